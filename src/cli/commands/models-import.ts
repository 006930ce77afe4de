/**
 * `modelworks models import FILE --flavor F`: wrap a bare model file into the MLflow model folder
 * `mlflow.<flavor>.log_model` would have written for it (the data file, and an `MLmodel` with the
 * framework flavor and `python_function`), ready for `models log`.
 */
import { randomUUID } from "node:crypto";
import { copyFile, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml, stringify } from "yaml";
import { invalidParam } from "../../core/errors.js";
import type { SignatureInput } from "../../learn/package/model-package.js";
import { parseLightgbmBytes } from "../../runtimes/lightgbm/index.js";
import { parseXgboostBytes, type XgboostFormat } from "../../runtimes/xgboost/index.js";

export const IMPORT_FLAVORS = ["xgboost", "lightgbm", "onnx", "sklearn"] as const;
export type ImportFlavor = (typeof IMPORT_FLAVORS)[number];

/** A written folder: its data file and whether its MLmodel has an input signature. */
export interface WrappedModel {
  flavor: ImportFlavor;
  dataFile: string;
  hasSignature: boolean;
}

/** MLflow's column types for the platform's input types. */
const MLFLOW_TYPES: Record<SignatureInput["type"], string> = {
  float: "double",
  int: "long",
  bool: "boolean",
  string: "string",
  timestamp: "datetime",
};

/** The flavor named by `--flavor`, or INVALID_PARAMETER_VALUE listing the choices. */
export function importFlavor(text: string | undefined): ImportFlavor {
  if (text !== undefined && (IMPORT_FLAVORS as readonly string[]).includes(text)) return text as ImportFlavor;
  const got = text === undefined ? "nothing" : `'${text}'`;
  throw invalidParam(`--flavor must be one of ${IMPORT_FLAVORS.join(", ")}; got ${got}.`);
}

/**
 * Write the MLflow folder for `file` into the existing empty folder `dir`. `inputs` becomes the
 * MLmodel's input signature (MLflow infers it from an input example). The file is checked as far
 * as can be without its framework: XGBoost and LightGBM (text format) files are parsed.
 */
export async function wrapModelFile(
  file: string,
  flavor: ImportFlavor,
  dir: string,
  inputs?: readonly SignatureInput[],
): Promise<WrappedModel> {
  const bytes = await readModelFile(file);
  const { dataFile, flavors } = flavorSettings(flavor, bytes, file);
  await copyFile(file, join(dir, dataFile));
  const mlmodel: Record<string, unknown> = {
    artifact_path: "model",
    flavors,
    model_uuid: randomUUID().replaceAll("-", ""),
    ...(inputs?.length ? { signature: signatureOf(inputs) } : {}),
    utc_time_created: new Date().toISOString(),
  };
  await writeFile(join(dir, "MLmodel"), stringify(mlmodel));
  return { flavor, dataFile, hasSignature: Boolean(inputs?.length) };
}

/** Add an input signature to a folder's MLmodel that has none (e.g. the feature names an XGBoost model records). */
export async function addSignature(dir: string, inputs: readonly SignatureInput[]): Promise<void> {
  const path = join(dir, "MLmodel");
  const doc = parseYaml(await readFile(path, "utf8")) as Record<string, unknown>;
  doc.signature = signatureOf(inputs);
  await writeFile(path, stringify(doc));
}

/** MLflow's signature block: the inputs as a JSON string of column specs. */
function signatureOf(inputs: readonly SignatureInput[]): Record<string, unknown> {
  const specs = inputs.map((i) => ({ type: MLFLOW_TYPES[i.type], name: i.name, required: i.optional !== true }));
  return { inputs: JSON.stringify(specs), outputs: null, params: null };
}

async function readModelFile(file: string): Promise<Buffer> {
  const found = await stat(file).catch(() => undefined);
  if (!found) throw invalidParam(`Model file '${file}' does not exist.`);
  if (!found.isFile()) throw invalidParam(`'${file}' is not a file: models import takes one model file.`);
  if (found.size === 0) throw invalidParam(`Model file '${file}' is empty.`);
  return readFile(file);
}

/** The data file name and the flavors MLflow 2.x writes for each framework. */
function flavorSettings(
  flavor: ImportFlavor,
  bytes: Buffer,
  file: string,
): { dataFile: string; flavors: Record<string, Record<string, unknown>> } {
  if (flavor === "xgboost") {
    const { format, parsed } = parseXgboostBytes(bytes, file);
    const dataFile = `model.${format}`;
    const modelClass = xgboostClass(parsed.attributes);
    return {
      dataFile,
      flavors: {
        python_function: { data: dataFile, loader_module: "mlflow.xgboost" },
        xgboost: { code: null, data: dataFile, model_class: modelClass, model_format: format satisfies XgboostFormat },
      },
    };
  }
  if (flavor === "sklearn") {
    // pickle.load also reads cloudpickle files (it imports cloudpickle when they need it).
    return {
      dataFile: "model.pkl",
      flavors: {
        python_function: { loader_module: "mlflow.sklearn", model_path: "model.pkl", predict_fn: "predict" },
        sklearn: { code: null, pickled_model: "model.pkl", serialization_format: "pickle" },
      },
    };
  }
  if (flavor === "lightgbm") {
    // Parsed and its objective checked here, so a damaged file is refused before anything is written.
    parseLightgbmBytes(bytes, file);
    return {
      dataFile: "model.lgb",
      flavors: {
        lightgbm: { code: null, data: "model.lgb", model_class: "lightgbm.basic.Booster" },
        python_function: { data: "model.lgb", loader_module: "mlflow.lightgbm" },
      },
    };
  }
  return {
    dataFile: "model.onnx",
    flavors: {
      onnx: { code: null, data: "model.onnx", providers: ["CUDAExecutionProvider", "CPUExecutionProvider"] },
      python_function: { data: "model.onnx", loader_module: "mlflow.onnx" },
    },
  };
}

/** A scikit-learn wrapper's saved settings name its kind; anything else is a plain Booster. */
function xgboostClass(attributes: Readonly<Record<string, string>>): string {
  const type = /"_estimator_type"\s*:\s*"(\w+)"/.exec(attributes.scikit_learn ?? "")?.[1];
  if (type === "classifier") return "xgboost.sklearn.XGBClassifier";
  if (type === "regressor") return "xgboost.sklearn.XGBRegressor";
  return "xgboost.core.Booster";
}
