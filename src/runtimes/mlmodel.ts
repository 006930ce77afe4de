/** Reading an MLflow model folder's `MLmodel` manifest and its signature, for every runtime. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { invalidParam } from "../core/errors.js";
import type { SignatureInput } from "../learn/package/model-package.js";
import type { MlModelFile } from "./runtime.js";

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
