/**
 * The lightgbm runtime: loads an MLflow model folder with a `lightgbm` flavor in process (the
 * Booster's text model `model.lgb`, or the pickled scikit-learn wrapper `model.pkl`, that
 * `mlflow.lightgbm.log_model` writes) and scores it as LightGBM's `predict` / `predict_proba` do:
 * binary → P(positive class), regression → value, multiclass → one probability per class.
 */
import { isAbsolute, join, normalize, sep } from "node:path";
import { invalidParam } from "../../core/errors.js";
import type { Table } from "../../data/table.js";
import type { RowScorer } from "../../learn/package/load-model.js";
import type { ModelSignature } from "../../learn/package/model-package.js";
import { inProcessModel } from "../in-process-model.js";
import { flavorOf, hasFlavor } from "../mlmodel.js";
import type { LoadedModel, MlModelFile, ModelKind, ModelOutput, ModelRuntime, RuntimeContext } from "../runtime.js";
import { type CategoryCodes, codeOfNumber, codeOfString, pandasCategories } from "./lightgbm-categories.js";
import { tableFeatures } from "./lightgbm-features.js";
import { readLightgbmFile } from "./lightgbm-file.js";
import { type LightgbmInputs, lightgbmInputs } from "./lightgbm-inputs.js";
import { type LightgbmModel, lightgbmModel } from "./lightgbm-model.js";
import type { LightgbmWrapper } from "./lightgbm-pickle.js";

/** The runtime for MLmodel folders with a `lightgbm` flavor. */
export const lightgbmRuntime: ModelRuntime = {
  name: "lightgbm",
  accepts: (mlmodel) => hasFlavor(mlmodel, "lightgbm"),
  load: (dir, mlmodel, context) => loadLightgbmFolder(dir, mlmodel, context),
};

/** Loads the model the `lightgbm` flavor of `mlmodel` (read from `dir`/MLmodel) names. */
export async function loadLightgbmFolder(
  dir: string,
  mlmodel: MlModelFile,
  context: RuntimeContext = {},
): Promise<LoadedModel> {
  const where = join(dir, "MLmodel");
  const flavor = flavorOf(mlmodel, "lightgbm", where);
  const modelClass = flavor.model_class === undefined ? undefined : String(flavor.model_class);
  if (modelClass !== undefined && !modelClass.startsWith("lightgbm.")) {
    throw invalidParam(`'${where}': model_class '${modelClass}' is not a LightGBM class`);
  }
  const data = dataFile(flavor, where);
  const path = join(dir, data);
  if (data.endsWith(".skops")) {
    throw invalidParam(
      `'${path}': the skops format is not read here; log the model with serialization_format='cloudpickle' (MLflow's default)`,
    );
  }
  const pickled = (modelClass?.startsWith("lightgbm.sklearn.") ?? false) || data.endsWith(".pkl");
  const { parsed, objective, wrapper } = await readLightgbmFile(path, pickled);
  if (objective.warning) context.warn?.(objective.warning);
  const classes = classesOf(objective.kind, objective.outputs, wrapper, path);
  const model = lightgbmModel(parsed, objective, wrapper?.iterations ? { iterations: wrapper.iterations } : {});
  const codes = pandasCategories(parsed, `'${path}'`, context.warn);
  const plan = lightgbmInputs(mlmodel, parsed.featureNames, codes, where, context.warn);
  return loadedModel(model, objective.kind, { ...plan, codes }, classes);
}

/** The flavor's `data` file: a plain relative path inside the folder. */
function dataFile(flavor: Record<string, unknown>, where: string): string {
  const data = flavor.data;
  if (typeof data !== "string" || data === "") throw invalidParam(`'${where}': the lightgbm flavor names no data file`);
  const path = normalize(data);
  if (isAbsolute(path) || path === ".." || path.startsWith(`..${sep}`)) {
    throw invalidParam(`'${where}': the lightgbm flavor's data '${data}' is outside the model folder`);
  }
  return path;
}

/** A classifier's saved classes; a Booster's are LightGBM's label values 0 .. k-1. */
function classesOf(
  kind: ModelKind,
  outputs: number,
  wrapper: LightgbmWrapper | undefined,
  path: string,
): string[] | undefined {
  const n = kind === "binary" ? 2 : outputs;
  if (wrapper?.className === "LGBMClassifier") {
    if (wrapper.customObjective || kind === "regression") {
      throw invalidParam(
        `'${path}': the LGBMClassifier was fit with a custom objective function; its predict_proba returns raw scores, not probabilities`,
      );
    }
    if (wrapper.classes?.length !== n) {
      throw invalidParam(
        `'${path}': the LGBMClassifier has ${wrapper.classes?.length} classes but its booster scores ${n}`,
      );
    }
    return [...wrapper.classes];
  }
  if (kind === "regression") return undefined;
  return Array.from({ length: n }, (_, k) => String(k));
}

function signatureOf(kind: ModelKind, plan: LightgbmInputs, classes: readonly string[] | undefined): ModelSignature {
  if (kind === "binary") {
    const [negative, positive] = classes as [string, string];
    return { task: "binary", inputs: plan.inputs, negative_class: negative, positive_class: positive, threshold: 0.5 };
  }
  if (kind === "multiclass") {
    return { task: "multiclass", inputs: plan.inputs, ...(classes ? { classes: [...classes] } : {}) };
  }
  return { task: "regression", inputs: plan.inputs };
}

/** The inputs and, per model feature, its pandas categories. */
type Plan = LightgbmInputs & { readonly codes: readonly (CategoryCodes | undefined)[] };

function loadedModel(model: LightgbmModel, kind: ModelKind, plan: Plan, classes: string[] | undefined): LoadedModel {
  const predictSync = (table: Table): ModelOutput => ({
    rows: table.numRows,
    scores: model.predict(tableFeatures(table, model.numFeatures, plan, plan.codes)),
  });
  const signature = signatureOf(kind, plan, classes);
  return inProcessModel({
    runtime: "lightgbm",
    kind,
    signature,
    classes,
    predictSync,
    rowScorer: () => rowScorer(model, plan),
  });
}

/** One row straight into the model's feature vector: no Table, no matrix, no allocation per row. */
function rowScorer(model: LightgbmModel, plan: Plan): RowScorer {
  const features = new Float64Array(model.numFeatures);
  const out = new Float64Array(model.numOutputs);
  const { featureOf, codes } = plan;
  return {
    setNumber: (i, v) => {
      const feature = featureOf[i] as number;
      const c = codes[feature];
      features[feature] = c === undefined ? v : codeOfNumber(c, v);
    },
    setString: (i, v) => {
      const feature = featureOf[i] as number;
      const c = codes[feature];
      if (c === undefined || !c.strings) throw invalidParam(`Input '${plan.inputs[i]?.name}' must be a number.`);
      features[feature] = codeOfString(c, v);
    },
    score: () => {
      model.predictRow(features, out);
      return out[0] as number;
    },
  };
}
