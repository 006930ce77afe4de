/**
 * The xgboost runtime: loads an MLflow model folder with an `xgboost` flavor in process (every
 * format the flavor writes, Booster and the scikit-learn wrappers) and scores it with the
 * float32-exact scorer of learn/xgboost: binary:logistic → P(class 1), reg:squarederror → value,
 * multi:softprob / multi:softmax → one probability per class (as `predict_proba`).
 */
import { isAbsolute, join, normalize, sep } from "node:path";
import { invalidParam } from "../../core/errors.js";
import type { Table } from "../../data/table.js";
import type { RowScorer } from "../../learn/package/load-model.js";
import type { ModelSignature } from "../../learn/package/model-package.js";
import { isMulticlass, type XgboostObjective } from "../../learn/xgboost/xgboost-json.js";
import { type XgboostModel, xgboostModel } from "../../learn/xgboost/xgboost-model.js";
import { inProcessModel } from "../in-process-model.js";
import { flavorOf, hasFlavor } from "../mlmodel.js";
import type { LoadedModel, MlModelFile, ModelKind, ModelOutput, ModelRuntime } from "../runtime.js";
import { isSklearnWrapper, sklearnMeta, wrapperRounds } from "./sklearn-meta.js";
import { tableFeatures } from "./table-features.js";
import { readXgboostFile } from "./xgboost-file.js";
import { type XgboostInputs, xgboostInputs } from "./xgboost-inputs.js";

/** The runtime for MLmodel folders with an `xgboost` flavor. */
export const xgboostRuntime: ModelRuntime = {
  name: "xgboost",
  accepts: (mlmodel) => hasFlavor(mlmodel, "xgboost"),
  load: (dir, mlmodel) => loadXgboostFolder(dir, mlmodel),
};

/** Loads the model the `xgboost` flavor of `mlmodel` (read from `dir`/MLmodel) names. */
export async function loadXgboostFolder(dir: string, mlmodel: MlModelFile): Promise<LoadedModel> {
  const where = join(dir, "MLmodel");
  const flavor = flavorOf(mlmodel, "xgboost", where);
  const modelClass = flavor.model_class === undefined ? undefined : String(flavor.model_class);
  if (modelClass !== undefined && !modelClass.startsWith("xgboost.")) {
    throw invalidParam(`'${where}': model_class '${modelClass}' is not an XGBoost class`);
  }
  const { parsed } = await readXgboostFile(join(dir, dataFile(flavor, where)));
  const wrapper = isSklearnWrapper(modelClass);
  const meta = wrapper ? sklearnMeta(parsed.attributes) : undefined;
  const rounds = wrapper ? wrapperRounds(parsed.attributes) : undefined;
  const model = xgboostModel(parsed, rounds === undefined ? {} : { rounds });
  const kind = kindOf(model.objective);
  const plan = xgboostInputs(mlmodel, model, where);
  const classes = classesOf(kind, model.numOutputs, meta?.classes);
  return loadedModel(model, kind, plan, classes, meta?.missing);
}

/** The flavor's `data` file: a plain relative path inside the folder. */
function dataFile(flavor: Record<string, unknown>, where: string): string {
  const data = flavor.data;
  if (typeof data !== "string" || data === "") throw invalidParam(`'${where}': the xgboost flavor names no data file`);
  const path = normalize(data);
  if (isAbsolute(path) || path === ".." || path.startsWith(`..${sep}`)) {
    throw invalidParam(`'${where}': the xgboost flavor's data '${data}' is outside the model folder`);
  }
  return path;
}

function kindOf(objective: XgboostObjective): ModelKind {
  if (objective === "binary:logistic") return "binary";
  return isMulticlass(objective) ? "multiclass" : "regression";
}

/** Class labels: the wrapper's `classes_` when saved and consistent, else 0 .. n-1 as XGBoost numbers them. */
function classesOf(kind: ModelKind, outputs: number, saved: readonly string[] | undefined): string[] | undefined {
  if (kind === "regression") return undefined;
  const n = kind === "binary" ? 2 : outputs;
  if (saved !== undefined && saved.length === n) return [...saved];
  return Array.from({ length: n }, (_, k) => String(k));
}

function signatureOf(kind: ModelKind, plan: XgboostInputs, classes: readonly string[] | undefined): ModelSignature {
  if (kind === "binary") {
    const [negative, positive] = classes as [string, string];
    return { task: "binary", inputs: plan.inputs, negative_class: negative, positive_class: positive, threshold: 0.5 };
  }
  if (kind === "multiclass")
    return { task: "multiclass", inputs: plan.inputs, ...(classes ? { classes: [...classes] } : {}) };
  return { task: "regression", inputs: plan.inputs };
}

function loadedModel(
  model: XgboostModel,
  kind: ModelKind,
  plan: XgboostInputs,
  classes: string[] | undefined,
  missing: number | undefined,
): LoadedModel {
  const predictSync = (table: Table): ModelOutput => ({
    rows: table.numRows,
    scores: model.predict(tableFeatures(table, model, plan, missing)),
  });
  const signature = signatureOf(kind, plan, classes);
  return inProcessModel({
    runtime: "xgboost",
    kind,
    signature,
    classes,
    predictSync,
    rowScorer: () => rowScorer(model, plan, missing),
  });
}

/** One row straight into the model's feature vector: no Table, no matrix, no allocation per row. */
function rowScorer(model: XgboostModel, plan: XgboostInputs, missing: number | undefined): RowScorer {
  const features = new Float64Array(model.numFeatures);
  const out = new Float64Array(model.numOutputs);
  const { featureOf } = plan;
  return {
    setNumber: (i, v) => {
      features[featureOf[i] as number] = v === missing ? Number.NaN : v;
    },
    setString: () => {
      throw invalidParam("This model takes numeric inputs only.");
    },
    score: () => {
      model.predictRow(features, out);
      return out[0] as number;
    },
  };
}
