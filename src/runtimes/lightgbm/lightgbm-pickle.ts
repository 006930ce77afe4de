/**
 * A scikit-learn wrapper (`LGBMClassifier`, `LGBMRegressor`) as MLflow's lightgbm flavor saves it:
 * pickled with cloudpickle (or pickle) into `model.pkl`. The pickle is read inertly (nothing in
 * it runs) and only what prediction needs is taken, as LightGBM 2.x to 4.x lay it out
 * (python-package/lightgbm/sklearn.py and basic.py):
 * - the wrapper's `_Booster`, whose pickled state holds the booster as LightGBM's text model
 *   (`Booster.__getstate__` stores `model_to_string()` under `_handle`; `handle` before 4.0);
 * - the booster's `best_iteration` (early stopping), which `predict` stops at when it is > 0;
 * - a classifier's `_classes` (its `LabelEncoder`'s `classes_`): the labels of the score columns;
 * - `_objective`, which is a function for a custom objective.
 */
import { invalidParam } from "../../core/errors.js";
import { isPyGlobal, isPyObject, isPyTuple, PickleError, type PyObject, readPickle } from "./inert-pickle.js";
import { numpyArrayValues } from "./numpy-array.js";

/** What the runtime takes from a pickled wrapper. */
export interface LightgbmWrapper {
  /** `LGBMClassifier`, `LGBMRegressor`, ... */
  readonly className: string;
  readonly modelText: string;
  /** Iterations `predict` uses (best_iteration), undefined for all. */
  readonly iterations?: number;
  /** A classifier's labels, in score order. */
  readonly classes?: readonly string[];
  /** True when the wrapper was fit with an objective function: `predict_proba` then returns raw scores. */
  readonly customObjective: boolean;
}

const SKLEARN_MODULES = ["lightgbm.sklearn", "lightgbm"];
const WRAPPERS = ["LGBMClassifier", "LGBMRegressor", "LGBMModel"];

/** The wrapper pickled in `buf`; `label` (the file) starts every error. */
export function readLightgbmPickle(buf: Uint8Array, label: string): LightgbmWrapper {
  let top: unknown;
  try {
    top = readPickle(buf);
  } catch (e) {
    if (!(e instanceof PickleError)) throw e;
    throw invalidParam(`'${label}': not a readable pickle: ${e.message}`);
  }
  const className = wrapperClass(top);
  if (!isPyObject(top) || className === undefined) {
    throw invalidParam(`'${label}': the pickle holds ${describe(top)}, not a LightGBM scikit-learn model`);
  }
  if (!WRAPPERS.includes(className)) {
    throw invalidParam(`'${label}': lightgbm.sklearn.${className} is not supported (LGBMClassifier, LGBMRegressor)`);
  }
  const state = dictOf(top);
  const booster = state.get("_Booster");
  const boosterState = isPyObject(booster) ? dictOf(booster) : new Map<unknown, unknown>();
  const modelText = boosterState.get("_handle") ?? boosterState.get("handle");
  if (typeof modelText !== "string") {
    throw invalidParam(`'${label}': the ${className} holds no fitted booster (was it fit before it was logged?)`);
  }
  const best = boosterState.get("best_iteration");
  const objective = state.get("_objective") ?? state.get("objective");
  const classes = className === "LGBMClassifier" ? classesOf(state, label) : undefined;
  return {
    className,
    modelText,
    ...(typeof best === "number" && best > 0 ? { iterations: best } : {}),
    ...(classes ? { classes } : {}),
    customObjective: objective !== null && objective !== undefined && typeof objective !== "string",
  };
}

/** The class of the object at the top: NEWOBJ(cls), or copyreg's `__newobj__` / `_reconstructor` (cls, ...). */
function wrapperClass(top: unknown): string | undefined {
  if (!isPyObject(top)) return undefined;
  const fromCopyreg =
    isPyGlobal(top.callable, "copyreg", "__newobj__") ||
    isPyGlobal(top.callable, "copyreg", "_reconstructor") ||
    isPyGlobal(top.callable, "copy_reg", "_reconstructor");
  const cls = fromCopyreg ? top.args[0] : top.callable;
  for (const name of WRAPPERS.concat(["LGBMRanker"])) if (isPyGlobal(cls, SKLEARN_MODULES, name)) return name;
  return undefined;
}

/** An object's `__dict__` as pickled: BUILD's dict, or the dict of a (dict, slots) pair. */
function dictOf(obj: PyObject): Map<unknown, unknown> {
  const state = isPyTuple(obj.state) ? obj.state.items[0] : obj.state;
  return state instanceof Map ? state : new Map();
}

/** `_classes`, else the label encoder's `classes_`, as strings. */
function classesOf(state: Map<unknown, unknown>, label: string): string[] {
  const encoder = state.get("_le");
  const candidates = [
    state.get("_classes"),
    state.get("classes_"),
    isPyObject(encoder) ? dictOf(encoder).get("classes_") : undefined,
  ];
  for (const c of candidates) {
    const values = numpyArrayValues(c) ?? (Array.isArray(c) ? c : undefined);
    if (values) return values.map((v) => (typeof v === "boolean" ? (v ? "True" : "False") : String(v)));
  }
  throw invalidParam(`'${label}': the LGBMClassifier's classes (_classes) could not be read`);
}

function describe(v: unknown): string {
  if (isPyObject(v)) {
    const cls = isPyGlobal(v.callable, "copyreg", "__newobj__") ? v.args[0] : v.callable;
    const g = cls as { module?: string; name?: string };
    return g.module ? `a ${g.module}.${g.name}` : "an object";
  }
  return v === null ? "None" : Array.isArray(v) ? "a list" : v instanceof Map ? "a dict" : `a ${typeof v}`;
}
