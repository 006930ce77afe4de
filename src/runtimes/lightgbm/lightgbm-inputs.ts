/**
 * The inputs of a LightGBM model folder. LightGBM's `predict` takes a DataFrame's columns by
 * position (it does not match names), and MLflow's pyfunc hands it the columns in signature order:
 * so signature column i feeds model feature i, whatever the names. Without a signature the inputs
 * are the model's own feature names (`Column_0, ...` for a model trained on an array). A feature
 * that was a pandas category column of strings takes a string input; every other feature a number.
 */
import { invalidParam } from "../../core/errors.js";
import type { SignatureInput } from "../../learn/package/model-package.js";
import { signatureInputs, tensorInputType } from "../mlmodel.js";
import type { MlModelFile } from "../runtime.js";
import type { CategoryCodes } from "./lightgbm-categories.js";

const NUMERIC: readonly SignatureInput["type"][] = ["int", "float", "bool"];

/** The inputs in signature order, and the model feature each one feeds. */
export interface LightgbmInputs {
  readonly inputs: SignatureInput[];
  readonly featureOf: Int32Array;
}

type Spec = Record<string, unknown>;

/**
 * Maps the signature (or the model's names) to features; `codes` are the features' pandas
 * categories; `where` (the MLmodel path) starts every error; `warn` hears of columns whose names
 * match the model's in another order.
 */
export function lightgbmInputs(
  mlmodel: MlModelFile,
  featureNames: readonly string[],
  codes: readonly (CategoryCodes | undefined)[],
  where: string,
  warn?: (message: string) => void,
): LightgbmInputs {
  const n = featureNames.length;
  const positional = Int32Array.from({ length: n }, (_, j) => j);
  const columns = signatureInputs(mlmodel, where);
  if (columns !== undefined) {
    checkColumns(columns, n, codes, where);
    warnIfReordered(columns, featureNames, where, warn);
    return { inputs: columns, featureOf: positional };
  }
  const specs = mlmodel.signature?.inputs ?? [];
  if (specs.length === 0) {
    const inputs = featureNames.map(
      (name, j): SignatureInput => ({ name, type: codes[j]?.strings ? "string" : "float" }),
    );
    return { inputs, featureOf: positional };
  }
  if (specs.every((s) => typeof s === "object" && s !== null && (s as Spec).type === "tensor")) {
    return { inputs: tensorInputs(specs as Spec[], featureNames, where), featureOf: positional };
  }
  throw invalidParam(`'${where}': the signature inputs are neither named columns nor one tensor`);
}

function checkColumns(
  columns: readonly SignatureInput[],
  n: number,
  codes: readonly (CategoryCodes | undefined)[],
  where: string,
): void {
  const seen = new Set<string>();
  for (const [j, { name, type }] of columns.entries()) {
    const strings = codes[j]?.strings === true;
    if (type === "string" && !strings) {
      throw invalidParam(
        `'${where}': signature input '${name}' is a string column, but model feature ${j} was not a pandas category column of strings; the lightgbm runtime takes numbers there (categories as their integer codes)`,
      );
    }
    if (type !== "string" && !NUMERIC.includes(type)) {
      throw invalidParam(
        `'${where}': signature input '${name}' is a ${type} column; the lightgbm runtime takes numbers, booleans and the strings of pandas category columns`,
      );
    }
    if (seen.has(name)) throw invalidParam(`'${where}': signature input '${name}' appears twice`);
    seen.add(name);
  }
  if (columns.length !== n) {
    throw invalidParam(`'${where}': the signature has ${columns.length} inputs but the model takes ${n} features`);
  }
}

/** Same names in another order: LightGBM would still go by position, which is rarely what was meant. */
function warnIfReordered(
  columns: readonly SignatureInput[],
  featureNames: readonly string[],
  where: string,
  warn: ((message: string) => void) | undefined,
): void {
  const names = new Set(featureNames);
  const sameSet = columns.every((c) => names.has(c.name));
  const sameOrder = columns.every((c, j) => c.name === featureNames[j]);
  if (warn && sameSet && !sameOrder) {
    warn(
      `'${where}': the signature lists the model's features in another order; inputs feed features by position, as LightGBM's predict does`,
    );
  }
}

function tensorInputs(specs: Spec[], featureNames: readonly string[], where: string): SignatureInput[] {
  const type = tensorInputType(specs, featureNames.length, "lightgbm", where);
  return featureNames.map((name) => ({ name, type }));
}
