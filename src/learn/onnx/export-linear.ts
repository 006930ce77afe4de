/**
 * A native {@link LogisticModel} as standard ONNX operators in double: MatMul + Add + Sigmoid. The
 * ai.onnx.ml LinearClassifier is not used: its coefficients are float32 attributes, which moves
 * probabilities by more than 1e-6 from the native model's.
 */
import type { LogisticModel } from "../linear/logistic.js";
import type { ModelSignature } from "../package/model-package.js";
import { type GraphBuilder, ML_DOMAIN } from "./graph-builder.js";
import { attr, ELEM, tensorType } from "./onnx-model.js";

/** Score `features`: outputs `label` (string: the positive class when p ≥ the threshold) and `probabilities` ([N, 2] double). */
export function linearGraph(g: GraphBuilder, model: LogisticModel, features: string, signature: ModelSignature): void {
  const n = model.coefficients.length;
  const weights = g.constant("coefficients", {
    elem: ELEM.double,
    dims: [n, 1],
    values: Array.from(model.coefficients),
  });
  const intercept = g.constant("intercept", { elem: ELEM.double, dims: [1], values: [model.intercept] });
  const z = g.node("Add", [g.node("MatMul", [features, weights]), intercept], {}, { hint: "margin" });
  const p = g.node("Sigmoid", [z], {}, { hint: "p_positive" });
  const one = g.constant("one", { elem: ELEM.double, dims: [1], values: [1] });
  const q = g.node("Sub", [one, p], {}, { hint: "p_negative" });
  g.node("Concat", [q, p], { axis: attr.int(1) }, { outputs: ["probabilities"] });
  const threshold = g.constant("threshold", { elem: ELEM.double, dims: [1], values: [signature.threshold ?? 0.5] });
  const positive = g.node("Cast", [g.node("GreaterOrEqual", [p, threshold])], { to: attr.int(ELEM.int64) });
  const flat = g.node("Reshape", [positive, g.constant("flat", { elem: ELEM.int64, dims: [1], values: [-1] })]);
  g.node(
    "LabelEncoder",
    [flat],
    {
      keys_int64s: attr.ints([0, 1]),
      values_strings: attr.strings([signature.negative_class ?? "0", signature.positive_class ?? "1"]),
    },
    { domain: ML_DOMAIN, outputs: ["label"] },
  );
  g.output({ name: "label", type: tensorType(ELEM.string, ["N"]) });
  g.output({ name: "probabilities", type: tensorType(ELEM.double, ["N", 2]) });
}
