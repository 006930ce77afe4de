/**
 * What an ONNX graph predicts and where to read it: the model kind, its classes, the tensor to
 * fetch, and how its values become scores. Classifiers converted from scikit-learn, XGBoost or
 * LightGBM output labels plus probabilities, often through a ZipMap (a sequence of maps, which
 * onnxruntime-node cannot return: the tensor feeding it is fetched instead). For binary
 * classifiers the positive class's probability is column 1, never onnxruntime's label nor column 0:
 * onnxruntime's binary TreeEnsembleClassifier fills column 0 and the label inconsistently (see
 * docs/runtimes.md), and raw margins (post_transform NONE with signed weights) go through the
 * logistic function.
 */
import { invalidParam } from "../../core/errors.js";
import type { DecodedOnnxModel } from "../../learn/onnx/onnx-decode.js";
import { ELEM, elemName, type OnnxNode, type OnnxType, type OnnxValueInfo } from "../../learn/onnx/onnx-model.js";
import type { ModelKind } from "../runtime.js";

/** How to turn the fetched tensor into {@link ModelOutput} scores. */
export interface OutputPlan {
  kind: ModelKind;
  /** Binary: [negative, positive]; multiclass: in column order; absent for regression. */
  classes?: string[];
  /** The tensor to fetch. */
  fetch: string;
  /** Values per row in the fetched tensor. */
  width: number;
  /** Binary: the column holding the positive class's score (1 of 2, or 0 of a single column). */
  column: number;
  /** Binary: the column holds a margin; its logistic is the probability. */
  logistic: boolean;
  /** True when `fetch` is not a graph output (it feeds a ZipMap): the graph's outputs are rewritten. */
  rewrite: boolean;
  /** Things worth a warning at load. */
  notes: string[];
}

const CLASSIFIERS = new Set(["TreeEnsembleClassifier", "LinearClassifier", "SVMClassifier"]);
const FLOATS: readonly number[] = [ELEM.float, ELEM.double];

/** Plan the outputs of `model`; `where` (the model file) starts every error. */
export function planOutputs(model: DecodedOnnxModel, where: string): OutputPlan {
  const { outputs, nodes } = model.graph;
  if (outputs.length === 0) throw invalidParam(`'${where}' has no graph outputs.`);
  const producer = new Map<string, OnnxNode>();
  for (const node of nodes) for (const out of node.outputs) producer.set(out, node);
  const zipped = outputs.find((o) => o.type.kind === "sequence" || o.type.kind === "map");
  if (zipped) return zipMapPlan(zipped, producer, where);
  const fromClassifier = outputs.find((o) => {
    const node = producer.get(o.name);
    return node !== undefined && CLASSIFIERS.has(node.opType) && node.outputs[1] === o.name;
  });
  if (fromClassifier) return classifierPlan(fromClassifier, producer, where, false);
  const numeric = outputs.filter((o) => o.type.kind === "tensor" && FLOATS.includes(o.type.elem));
  const output = numeric.find((o) => /prob/i.test(o.name)) ?? numeric[0];
  if (!output) {
    const kinds = outputs.map((o) => `'${o.name}' (${typeName(o.type)})`).join(", ");
    throw invalidParam(`'${where}' has no floating-point output to score with; its outputs are ${kinds}.`);
  }
  const op = producer.get(output.name)?.opType;
  if (op === "Sigmoid" || op === "Softmax" || /prob/i.test(output.name))
    return classifierPlan(output, producer, where, false, encodedLabels(outputs, producer, dim1(output.type)));
  return regressionPlan(output, where);
}

/** A ZipMap output: fetch its input tensor; the classes are the ZipMap's labels. */
function zipMapPlan(output: OnnxValueInfo, producer: Map<string, OnnxNode>, where: string): OutputPlan {
  const zipMap = producer.get(output.name);
  const source = zipMap?.inputs[0];
  if (zipMap?.opType !== "ZipMap" || !source) {
    throw invalidParam(
      `'${where}': output '${output.name}' is a ${typeName(output.type)} not made by a ZipMap; only tensor outputs can be read.`,
    );
  }
  const labels = classLabels(zipMap);
  const fed: OnnxValueInfo = {
    name: source,
    type: { kind: "tensor", elem: ELEM.float, shape: [null, labels?.length ?? null] },
  };
  return classifierPlan(fed, producer, where, true, labels);
}

function classifierPlan(
  output: OnnxValueInfo,
  producer: Map<string, OnnxNode>,
  where: string,
  rewrite: boolean,
  zipLabels?: string[],
): OutputPlan {
  const node = producer.get(output.name);
  const direct = node !== undefined && CLASSIFIERS.has(node.opType) && node.outputs[1] === output.name;
  const labels = zipLabels ?? (direct ? classLabels(node) : undefined);
  const width = labels?.length ?? dim1(output.type) ?? 0;
  if (width < 1) {
    throw invalidParam(
      `'${where}': cannot tell how many classes output '${output.name}' has (no class labels, shape ${shapeText(output.type)}).`,
    );
  }
  const notes: string[] = [];
  const margins = direct && producesMargins(node);
  if (width > 2) {
    if (margins)
      throw invalidParam(
        `'${where}': ${node.opType} has post_transform NONE, so output '${output.name}' holds raw scores, not class probabilities.`,
      );
    return {
      kind: "multiclass",
      classes: labels ?? numbered(width),
      fetch: output.name,
      width,
      column: 0,
      logistic: false,
      rewrite,
      notes,
    };
  }
  if (direct) refuseDroppedScores(node, where);
  if (margins)
    notes.push(
      `'${where}': ${node.opType} gives raw margins (post_transform NONE); scores are their logistic function.`,
    );
  const classes = labels && labels.length === 2 ? labels : ["0", "1"];
  return { kind: "binary", classes, fetch: output.name, width, column: width - 1, logistic: margins, rewrite, notes };
}

function regressionPlan(output: OnnxValueInfo, where: string): OutputPlan {
  const width = dim1(output.type) ?? 1;
  if (width !== 1) {
    throw invalidParam(
      `'${where}': output '${output.name}' has ${width} values per row; a regression model must give one (a classifier needs class probabilities).`,
    );
  }
  return { kind: "regression", fetch: output.name, width: 1, column: 0, logistic: false, rewrite: false, notes: [] };
}

/**
 * True when the classifier's probabilities output holds margins, not probabilities: post_transform
 * NONE with a LinearClassifier (decision functions), or with a TreeEnsembleClassifier that has
 * negative weights (gradient boosting converted with raw scores).
 */
function producesMargins(node: OnnxNode): boolean {
  if (stringAttr(node, "post_transform", "NONE") !== "NONE") return false;
  if (node.opType === "LinearClassifier") return true;
  return node.opType === "TreeEnsembleClassifier" && weights(node).some((w) => w < 0);
}

/**
 * onnxruntime's binary TreeEnsembleClassifier ignores the trees when every weight is on class 1 and
 * two base_values are given (it returns base_values[1] for every row): refuse such a model rather
 * than serve constant scores.
 */
function refuseDroppedScores(node: OnnxNode, where: string): void {
  if (node.opType !== "TreeEnsembleClassifier") return;
  const ids = new Set(numbersAttr(node, "class_ids"));
  const base = numbersAttr(node, "base_values").length || numbersAttr(node, "base_values_as_tensor").length;
  if (ids.size === 1 && ids.has(1) && base === 2) {
    throw invalidParam(
      `'${where}': this binary TreeEnsembleClassifier puts every weight on class 1 and has two base_values; onnxruntime ignores the trees in that layout (use class_ids 0 with one base value).`,
    );
  }
}

/**
 * Class labels of a probabilities tensor made by plain operators: a graph output that a
 * LabelEncoder maps from class indices to one label per probability column (as modelworks'
 * exported linear models have).
 */
function encodedLabels(
  outputs: readonly OnnxValueInfo[],
  producer: Map<string, OnnxNode>,
  width: number | undefined,
): string[] | undefined {
  for (const o of outputs) {
    const node = producer.get(o.name);
    if (node?.opType !== "LabelEncoder") continue;
    const keys = node.attributes.keys_int64s;
    const values = node.attributes.values_strings ?? node.attributes.values_int64s;
    if (keys?.type !== "ints" || (values?.type !== "strings" && values?.type !== "ints")) continue;
    const ordered = keys.value.every((k, i) => k === i);
    if (ordered && values.value.length === width && width > 1) return values.value.map(String);
  }
  return undefined;
}

function classLabels(node: OnnxNode): string[] | undefined {
  const a = node.attributes;
  for (const key of ["classlabels_strings", "classlabels_int64s", "classlabels_ints"]) {
    const v = a[key];
    if ((v?.type === "strings" || v?.type === "ints") && v.value.length > 0) return v.value.map(String);
  }
  return undefined;
}

function weights(node: OnnxNode): number[] {
  const w = numbersAttr(node, "class_weights");
  return w.length > 0 ? w : numbersAttr(node, "class_weights_as_tensor");
}

function numbersAttr(node: OnnxNode, name: string): number[] {
  const a = node.attributes[name];
  if (a?.type === "ints" || a?.type === "floats") return a.value;
  if (a?.type === "tensor") return a.value.values as number[];
  return [];
}

function stringAttr(node: OnnxNode, name: string, fallback: string): string {
  const a = node.attributes[name];
  return a?.type === "string" ? a.value : fallback;
}

function dim1(type: OnnxType): number | undefined {
  if (type.kind !== "tensor" || !type.shape) return undefined;
  if (type.shape.length === 1) return 1;
  const d = type.shape[1];
  return typeof d === "number" && d > 0 ? d : undefined;
}

function numbered(n: number): string[] {
  return Array.from({ length: n }, (_, k) => String(k));
}

/** A type as ONNX writes it, e.g. `tensor(float)` or `seq(map(int64,tensor(float)))`. */
export function typeName(t: OnnxType): string {
  switch (t.kind) {
    case "tensor":
      return `tensor(${elemName(t.elem)})`;
    case "sequence":
      return `seq(${typeName(t.elem)})`;
    case "map":
      return `map(${elemName(t.key)},${typeName(t.value)})`;
    default:
      return "non-tensor value";
  }
}

function shapeText(t: OnnxType): string {
  return t.kind === "tensor" && t.shape ? `[${t.shape.map((d) => d ?? "?").join(", ")}]` : "unknown";
}
