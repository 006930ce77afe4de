/** Reading an MLflow model folder's `MLmodel` manifest and its signature, for every runtime. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { invalidParam } from "../core/errors.js";
import type { SignatureInput } from "../learn/package/model-package.js";
import type { MlModelFile } from "./runtime.js";

/** A flavor's model data file's bytes; a missing or unreadable file is refused by name. */
export async function readModelDataFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "the model data file is missing" : `cannot read the model data file (${code})`;
    throw invalidParam(`'${path}': ${why}`);
  }
}

/** Parse `dir/MLmodel`; INVALID_PARAMETER_VALUE naming the file when it is missing or not an MLmodel. */
export async function readMlModel(dir: string): Promise<MlModelFile> {
  const path = join(dir, "MLmodel");
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw invalidParam(`Not a model folder: '${path}' is missing.`);
    throw e;
  }
  return parseMlModel(text, path);
}

/** Parse MLmodel text (`where` names it in errors). */
export function parseMlModel(text: string, where: string): MlModelFile {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw invalidParam(`'${where}' is not valid YAML: ${(e as Error).message}`);
  }
  if (!isObject(doc) || !isObject(doc.flavors)) throw invalidParam(`'${where}' has no 'flavors' mapping.`);
  const flavors: MlModelFile["flavors"] = {};
  for (const [name, value] of Object.entries(doc.flavors)) flavors[name] = isObject(value) ? value : {};
  const out: MlModelFile = { flavors, raw: doc };
  if (typeof doc.run_id === "string" && doc.run_id) out.runId = doc.run_id;
  if (isObject(doc.signature)) {
    out.signature = {};
    const inputs = specList(doc.signature.inputs, where, "inputs");
    const outputs = specList(doc.signature.outputs, where, "outputs");
    if (inputs) out.signature.inputs = inputs;
    if (outputs) out.signature.outputs = outputs;
  }
  return out;
}

/** MLflow column types → the platform's input types (tensor specs have none). */
const COLUMN_TYPES: Record<string, SignatureInput["type"]> = {
  double: "float",
  float: "float",
  long: "int",
  integer: "int",
  boolean: "bool",
  string: "string",
  datetime: "timestamp",
};

/**
 * The signature's named columns as inputs, in order; undefined when the signature has no named
 * column inputs (none logged, or tensors). A column of a type no runtime can score (binary, arrays)
 * is INVALID_PARAMETER_VALUE naming it.
 */
export function signatureInputs(mlmodel: MlModelFile, where: string): SignatureInput[] | undefined {
  const specs = mlmodel.signature?.inputs;
  if (!specs || specs.length === 0) return undefined;
  const inputs: SignatureInput[] = [];
  for (const spec of specs) {
    if (!isObject(spec) || typeof spec.name !== "string" || typeof spec.type !== "string") return undefined;
    const type = COLUMN_TYPES[spec.type];
    if (!type) throw invalidParam(`'${where}': input '${spec.name}' has type '${spec.type}', which cannot be scored.`);
    inputs.push(spec.required === false ? { name: spec.name, type, optional: true } : { name: spec.name, type });
  }
  return inputs;
}

/** MLflow writes each signature part as a JSON string inside the YAML. */
function specList(value: unknown, where: string, part: string): unknown[] | undefined {
  if (value === undefined || value === null) return undefined;
  let parsed = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      throw invalidParam(`'${where}': signature ${part} is not valid JSON.`);
    }
  }
  if (!Array.isArray(parsed)) throw invalidParam(`'${where}': signature ${part} must be a list.`);
  return parsed;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** True when `mlmodel` has a `name` flavor with settings. */
export function hasFlavor(mlmodel: MlModelFile, name: string): boolean {
  const flavor = mlmodel.flavors[name];
  return typeof flavor === "object" && flavor !== null && !Array.isArray(flavor);
}

/** The settings of `mlmodel`'s `name` flavor; INVALID_PARAMETER_VALUE naming the flavors it has otherwise. */
export function flavorOf(mlmodel: MlModelFile, name: string, where: string): Record<string, unknown> {
  const flavor = mlmodel.flavors[name];
  if (!hasFlavor(mlmodel, name)) {
    const names = Object.keys(mlmodel.flavors).join(", ") || "none";
    throw invalidParam(`'${where}': no ${name} flavor (flavors: ${names})`);
  }
  return flavor as Record<string, unknown>;
}

const TENSOR_DTYPES = /^(float(16|32|64)|u?int(8|16|32|64)|bool)$/;

/**
 * The input type of a signature made of one numeric tensor of `width` columns (shape [-1, width]),
 * for the in-process tree runtimes (`runtime` names it in errors).
 */
export function tensorInputType(
  specs: readonly Record<string, unknown>[],
  width: number,
  runtime: string,
  where: string,
): SignatureInput["type"] {
  if (specs.length !== 1) {
    throw invalidParam(`'${where}': the ${runtime} runtime takes one input tensor, got ${specs.length}`);
  }
  const tensor = (specs[0] as Record<string, unknown>)["tensor-spec"] as Record<string, unknown> | undefined;
  const dtype = String(tensor?.dtype);
  if (!TENSOR_DTYPES.test(dtype)) {
    throw invalidParam(
      `'${where}': signature tensor has dtype ${dtype}; the ${runtime} runtime takes numeric tensors only`,
    );
  }
  const shape = tensor?.shape;
  const columns = Array.isArray(shape) && shape.length === 2 ? shape[1] : undefined;
  if (columns !== width && columns !== -1) {
    throw invalidParam(
      `'${where}': signature tensor shape ${JSON.stringify(shape)} does not fit the model's ${width} features (need [-1, ${width}])`,
    );
  }
  return dtype === "bool" ? "bool" : dtype.startsWith("float") ? "float" : "int";
}
