/**
 * The inputs of an XGBoost model folder: from the MLmodel signature (MLflow column specs, or one
 * numeric tensor) when logged, else the model's own feature names (XGBoost's `f0, f1, ...` when it
 * was trained without names); and where each input goes among the model's features.
 */
import { invalidParam } from "../../core/errors.js";
import type { SignatureInput } from "../../learn/package/model-package.js";
import { signatureInputs, tensorInputType } from "../mlmodel.js";
import type { MlModelFile } from "../runtime.js";

/** Input types the runtime feeds: numbers, and booleans as 0/1. */
const NUMERIC: readonly SignatureInput["type"][] = ["int", "float", "bool"];

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
  const specs = mlmodel.signature?.inputs ?? [];
  const names = model.featureNames ?? Array.from({ length: model.numFeatures }, (_, j) => `f${j}`);
  const columns = signatureInputs(mlmodel, where);
  if (columns !== undefined)
    return { inputs: numericOnly(columns, where), featureOf: matchFeatures(columns, model, where) };
  if (specs.length === 0) {
    return { inputs: names.map((name) => ({ name, type: "float" })), featureOf: Int32Array.from(names, (_, j) => j) };
  }
  if (specs.every((s) => typeof s === "object" && s !== null && (s as Spec).type === "tensor")) {
    return tensorInputs(specs as Spec[], names, model, where);
  }
  throw invalidParam(`'${where}': the signature inputs are neither named columns nor one tensor`);
}

function numericOnly(inputs: SignatureInput[], where: string): SignatureInput[] {
  const seen = new Set<string>();
  for (const { name, type } of inputs) {
    if (!NUMERIC.includes(type)) {
      throw invalidParam(
        `'${where}': signature input '${name}' is a ${type} column; the xgboost runtime takes numeric inputs only (double, float, long, integer, boolean)`,
      );
    }
    if (seen.has(name)) throw invalidParam(`'${where}': signature input '${name}' appears twice`);
    seen.add(name);
  }
  return inputs;
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
  const type = tensorInputType(specs, model.numFeatures, "xgboost", where);
  return { inputs: names.map((name) => ({ name, type })), featureOf: Int32Array.from(names, (_, j) => j) };
}
