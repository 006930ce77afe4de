/**
 * The inputs of an XGBoost model folder: from the MLmodel signature (MLflow column specs, or one
 * numeric tensor) when logged, else the model's own feature names (XGBoost's `f0, f1, ...` when it
 * was trained without names); and where each input goes among the model's features.
 */
import { invalidParam } from "../../core/errors.js";
import type { SignatureInput } from "../../learn/package/model-package.js";
import type { MlModelFile } from "../runtime.js";

/** MLflow column types the runtime takes, and what they become. */
const COLUMN_TYPES: Readonly<Record<string, SignatureInput["type"]>> = {
  double: "float",
  float: "float",
  long: "int",
  integer: "int",
  boolean: "bool",
};

const TENSOR_DTYPES = /^(float(16|32|64)|u?int(8|16|32|64)|bool)$/;

/** The inputs in signature order, and the model feature index each one feeds. */
export interface XgboostInputs {
  readonly inputs: SignatureInput[];
  readonly featureOf: Int32Array;
}

/** What the inputs are matched against. */
export interface ModelFeatures {
  readonly featureNames: readonly string[] | null;
  readonly numFeatures: number;
}

type Spec = Record<string, unknown>;

/** Maps the signature (or the model's names) to inputs; `where` (the MLmodel path) starts every error. */
export function xgboostInputs(mlmodel: MlModelFile, model: ModelFeatures, where: string): XgboostInputs {
  const specs = mlmodel.signature?.inputs;
  const names = model.featureNames ?? Array.from({ length: model.numFeatures }, (_, j) => `f${j}`);
  if (specs === undefined || specs.length === 0) {
    return { inputs: names.map((name) => ({ name, type: "float" })), featureOf: Int32Array.from(names, (_, j) => j) };
  }
  const bad = specs.find((s) => typeof s !== "object" || s === null || Array.isArray(s));
  if (bad !== undefined)
    throw invalidParam(`'${where}': signature input ${JSON.stringify(bad)} is not a column or tensor spec`);
  const first = specs[0] as Spec;
  if (first.type === "tensor") return tensorInputs(specs as Spec[], names, model, where);
  return columnInputs(specs as Spec[], model, where);
}

function columnInputs(specs: Spec[], model: ModelFeatures, where: string): XgboostInputs {
  const inputs = specs.map((s, i): SignatureInput => {
    const name = s.name;
    if (typeof name !== "string" || name === "") {
      throw invalidParam(`'${where}': signature input ${i} has no name (a signature mixing tensors and columns?)`);
    }
    const type = COLUMN_TYPES[String(s.type)];
    if (type === undefined) {
      throw invalidParam(
        `'${where}': signature input '${name}' has type ${JSON.stringify(s.type)}; the xgboost runtime takes numeric inputs only (${Object.keys(COLUMN_TYPES).join(", ")})`,
      );
    }
    return s.required === false ? { name, type, optional: true } : { name, type };
  });
  const seen = new Set<string>();
  for (const { name } of inputs) {
    if (seen.has(name)) throw invalidParam(`'${where}': signature input '${name}' appears twice`);
    seen.add(name);
  }
  return { inputs, featureOf: matchFeatures(inputs, model, where) };
}

/** Signature position → model feature: by name when the model has names, else by position. */
function matchFeatures(inputs: readonly SignatureInput[], model: ModelFeatures, where: string): Int32Array {
  const names = model.featureNames;
  if (names === null) {
    if (inputs.length !== model.numFeatures) {
      throw invalidParam(
        `'${where}': the signature has ${inputs.length} inputs but the model takes ${model.numFeatures} features`,
      );
    }
    return Int32Array.from(inputs, (_, i) => i);
  }
  const index = new Map(names.map((n, j) => [n, j]));
  const extra = inputs.filter((i) => !index.has(i.name)).map((i) => i.name);
  const given = new Set(inputs.map((i) => i.name));
  const missing = names.filter((n) => !given.has(n));
  if (extra.length > 0 || missing.length > 0) {
    const parts = [
      missing.length > 0 ? `model features not in the signature: ${missing.join(", ")}` : "",
      extra.length > 0 ? `signature inputs the model does not know: ${extra.join(", ")}` : "",
    ];
    throw invalidParam(`'${where}': the signature does not match the model (${parts.filter(Boolean).join("; ")})`);
  }
  return Int32Array.from(inputs, (i) => index.get(i.name) as number);
}

function tensorInputs(specs: Spec[], names: readonly string[], model: ModelFeatures, where: string): XgboostInputs {
  if (specs.length !== 1)
    throw invalidParam(`'${where}': the xgboost runtime takes one input tensor, got ${specs.length}`);
  const tensor = (specs[0] as Spec)["tensor-spec"] as Spec | undefined;
  const dtype = String(tensor?.dtype);
  if (!TENSOR_DTYPES.test(dtype)) {
    throw invalidParam(
      `'${where}': signature tensor has dtype ${dtype}; the xgboost runtime takes numeric tensors only`,
    );
  }
  const shape = tensor?.shape;
  const width = Array.isArray(shape) && shape.length === 2 ? shape[1] : undefined;
  if (width !== model.numFeatures && width !== -1) {
    throw invalidParam(
      `'${where}': signature tensor shape ${JSON.stringify(shape)} does not fit the model's ${model.numFeatures} features (need [-1, ${model.numFeatures}])`,
    );
  }
  const type: SignatureInput["type"] = dtype === "bool" ? "bool" : dtype.startsWith("float") ? "float" : "int";
  return { inputs: names.map((name) => ({ name, type })), featureOf: Int32Array.from(names, (_, j) => j) };
}
