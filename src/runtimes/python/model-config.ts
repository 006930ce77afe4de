/**
 * What the Python worker needs from an MLflow model folder, checked before any process starts: the
 * flavor to load (sklearn, else python_function), the pickle and its format, the logged input
 * signature, and for python_function-only models the kind their signature declares.
 */
import { stat } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import { invalidParam } from "../../core/errors.js";
import type { SignatureInput } from "../../learn/package/model-package.js";
import type { MlModelFile, ModelKind } from "../runtime.js";

/** One logged input column: the platform's type and MLflow's (the worker casts to the latter). */
export interface LoggedInput extends SignatureInput {
  mlflowType: string;
}

/** The folder, ready for the worker. */
export interface PythonModelConfig {
  /** The load frame's header (without `op`). */
  load: Record<string, unknown>;
  /** The MLmodel signature's input columns, when logged with names. */
  inputs?: LoggedInput[];
  /** The python_env.yaml the python_function flavor names. */
  pythonEnvFile: string;
}

const SERIALIZATION_FORMATS = ["pickle", "cloudpickle"];
const TYPES: Record<string, SignatureInput["type"]> = {
  boolean: "bool",
  integer: "int",
  long: "int",
  float: "float",
  double: "float",
  string: "string",
  datetime: "timestamp",
};

/** Check the folder's MLmodel and files; refuses with a message naming the file and the problem. */
export async function pythonModelConfig(dir: string, mlmodel: MlModelFile): Promise<PythonModelConfig> {
  const manifest = join(dir, "MLmodel");
  const sklearn = mlmodel.flavors.sklearn;
  const pyfunc = mlmodel.flavors.python_function;
  if (!sklearn && !pyfunc) {
    const names = Object.keys(mlmodel.flavors).join(", ") || "none";
    throw invalidParam(`'${manifest}' has neither a sklearn nor a python_function flavor (flavors: ${names}).`);
  }
  const inputs = loggedInputs(manifest, mlmodel);
  const env = (pyfunc?.env ?? {}) as Record<string, unknown>;
  // Read for warnings only: a name that leaves the folder falls back to MLflow's default.
  const named = typeof env.virtualenv === "string" ? env.virtualenv : "";
  const pythonEnvFile = /^[\w.-]+$/.test(named) && named !== ".." ? named : "python_env.yaml";
  const load: Record<string, unknown> = {
    dir,
    inputs: inputs?.map((i) => ({ name: i.name, type: i.mlflowType })) ?? null,
  };
  if (sklearn) load.sklearn = await sklearnFlavor(dir, manifest, sklearn);
  else Object.assign(load, pyfuncOnly(mlmodel, pyfunc as Record<string, unknown>));
  return { load, ...(inputs ? { inputs } : {}), pythonEnvFile };
}

async function sklearnFlavor(dir: string, manifest: string, flavor: Record<string, unknown>) {
  const format = flavor.serialization_format ?? "cloudpickle";
  if (typeof format !== "string" || !SERIALIZATION_FORMATS.includes(format)) {
    throw invalidParam(
      `'${manifest}': sklearn serialization_format ${JSON.stringify(format)} is not supported (pickle, cloudpickle).`,
    );
  }
  const path = inside(dir, manifest, flavor.pickled_model ?? "model.pkl", "pickled_model");
  const found = await stat(path).catch(() => undefined);
  if (!found?.isFile()) throw invalidParam(`'${path}' (the sklearn flavor's pickled_model) does not exist.`);
  if (found.size === 0) throw invalidParam(`'${path}' (the sklearn flavor's pickled_model) is empty.`);
  const code = typeof flavor.code === "string" ? inside(dir, manifest, flavor.code, "code") : null;
  return { path, format, code };
}

/** A python_function-only model scores as regression, or multiclass when its signature names several outputs. */
function pyfuncOnly(mlmodel: MlModelFile, flavor: Record<string, unknown>) {
  const outputs = (mlmodel.signature?.outputs ?? []) as Array<{ name?: unknown }>;
  const named = outputs.every((o) => typeof o?.name === "string") ? outputs.map((o) => String(o.name)) : [];
  const kind: ModelKind = named.length > 1 ? "multiclass" : "regression";
  return { kind, classes: kind === "multiclass" ? named : null, loader_module: flavor.loader_module ?? null };
}

function inside(dir: string, manifest: string, value: unknown, field: string): string {
  const root = resolve(dir);
  const path = typeof value === "string" ? resolve(root, value) : "";
  if (!path.startsWith(root + sep)) {
    throw invalidParam(`'${manifest}': ${field} must be a path inside the model folder, got ${JSON.stringify(value)}.`);
  }
  return path;
}

/** The signature's named input columns (tensor or unnamed specs give none: the model's own names are used). */
function loggedInputs(manifest: string, mlmodel: MlModelFile): LoggedInput[] | undefined {
  const specs = mlmodel.signature?.inputs;
  if (!Array.isArray(specs) || specs.length === 0) return undefined;
  if (!specs.every((s) => typeof (s as { name?: unknown })?.name === "string")) return undefined;
  return specs.map((raw) => {
    const s = raw as { name: string; type?: unknown; required?: unknown };
    const type = TYPES[String(s.type)];
    if (!type) {
      throw invalidParam(
        `'${manifest}': signature input '${s.name}' has type ${JSON.stringify(s.type)}, which is not supported.`,
      );
    }
    return { name: s.name, type, mlflowType: String(s.type), ...(s.required === false ? { optional: true } : {}) };
  });
}
