/**
 * A native {@link GbdtModel} as an ai.onnx.ml TreeEnsembleClassifier (binary:logistic) or
 * TreeEnsembleRegressor (reg:squarederror), in the layout converters use and onnxruntime reads:
 * every leaf weight on class 0 with one base value (the model's base margin) and LOGISTIC, so the
 * `probabilities` output is [1 − p, p]. Thresholds, leaf values and the base margin are double
 * tensors (ai.onnx.ml opset 3), and the input is double, so every split decides as the native model
 * does: `x < threshold` goes left (the true branch), NaN follows the default direction.
 */
import type { GbdtModel } from "../gbdt/gbdt-model.js";
import type { ModelSignature } from "../package/model-package.js";
import { type GraphBuilder, ML_DOMAIN } from "./graph-builder.js";
import { attr, ELEM, type OnnxAttribute, tensorType } from "./onnx-model.js";

/** The node and leaf attributes of every tree of `model`, nodes numbered from 0 within each tree. */
export function treeAttributes(model: GbdtModel, leafKey: "class" | "target"): Record<string, OnnxAttribute> {
  const f = model.forest;
  const nodes = { tree: [] as number[], id: [] as number[], feature: [] as number[], value: [] as number[] };
  const modes: string[] = [];
  const links = { yes: [] as number[], no: [] as number[], missingYes: [] as number[] };
  const leaves = { tree: [] as number[], id: [] as number[], weight: [] as number[] };
  for (let t = 0; t < f.roots.length; t++) {
    // Breadth-first from the root; a node's local id is its position in that walk.
    const order = [f.roots[t] as number];
    const local = new Map<number, number>();
    for (let i = 0; i < order.length; i++) {
      const n = order[i] as number;
      local.set(n, i);
      if ((f.feature[n] as number) >= 0) order.push(f.left[n] as number, f.right[n] as number);
    }
    for (const n of order) {
      const id = local.get(n) as number;
      const leaf = (f.feature[n] as number) < 0;
      nodes.tree.push(t);
      nodes.id.push(id);
      nodes.feature.push(leaf ? 0 : (f.feature[n] as number));
      nodes.value.push(leaf ? 0 : (f.threshold[n] as number));
      modes.push(leaf ? "LEAF" : "BRANCH_LT");
      links.yes.push(leaf ? 0 : (local.get(f.left[n] as number) as number));
      links.no.push(leaf ? 0 : (local.get(f.right[n] as number) as number));
      links.missingYes.push(leaf ? 0 : (f.defaultLeft[n] as number));
      if (leaf) {
        leaves.tree.push(t);
        leaves.id.push(id);
        leaves.weight.push(f.value[n] as number);
      }
    }
  }
  return {
    nodes_treeids: attr.ints(nodes.tree),
    nodes_nodeids: attr.ints(nodes.id),
    nodes_featureids: attr.ints(nodes.feature),
    nodes_values_as_tensor: attr.doubles(nodes.value),
    nodes_modes: attr.strings(modes),
    nodes_truenodeids: attr.ints(links.yes),
    nodes_falsenodeids: attr.ints(links.no),
    nodes_missing_value_tracks_true: attr.ints(links.missingYes),
    [`${leafKey}_treeids`]: attr.ints(leaves.tree),
    [`${leafKey}_nodeids`]: attr.ints(leaves.id),
    [`${leafKey}_ids`]: attr.ints(leaves.tree.map(() => 0)),
    [`${leafKey}_weights_as_tensor`]: attr.doubles(leaves.weight),
    base_values_as_tensor: attr.doubles([model.baseMargin]),
  };
}

/**
 * Score `features` with `model`: outputs `label` (string) and `probabilities` ([N, 2] float) for
 * binary models, `variable` ([N, 1] float) for regression.
 */
export function gbdtGraph(g: GraphBuilder, model: GbdtModel, features: string, signature: ModelSignature): void {
  if (model.objective === "binary:logistic") {
    const classes = [signature.negative_class ?? "0", signature.positive_class ?? "1"];
    g.node(
      "TreeEnsembleClassifier",
      [features],
      {
        ...treeAttributes(model, "class"),
        classlabels_strings: attr.strings(classes),
        post_transform: attr.string("LOGISTIC"),
      },
      { domain: ML_DOMAIN, outputs: ["label", "probabilities"] },
    );
    g.output({ name: "label", type: tensorType(ELEM.string, ["N"]) });
    g.output({ name: "probabilities", type: tensorType(ELEM.float, ["N", 2]) });
    return;
  }
  g.node(
    "TreeEnsembleRegressor",
    [features],
    { ...treeAttributes(model, "target"), n_targets: attr.int(1), post_transform: attr.string("NONE") },
    { domain: ML_DOMAIN, outputs: ["variable"] },
  );
  g.output({ name: "variable", type: tensorType(ELEM.float, ["N", 1]) });
}
