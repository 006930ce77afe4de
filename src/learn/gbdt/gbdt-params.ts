import { invalidParam } from "../../core/errors.js";

/** The training objectives: binary log loss (outputs probabilities) and squared error. */
export type GbdtObjective = "binary:logistic" | "reg:squarederror";

/** User-facing GBDT hyper-parameters; names and defaults follow XGBoost's `tree_method=hist`. */
export interface GbdtParams {
  objective?: GbdtObjective;
  n_estimators?: number;
  learning_rate?: number;
  /** Depth limit; with `max_leaves > 0` growth is best-first (lossguide) within this depth. */
  max_depth?: number;
  /** 0 = no leaf limit (depth-wise growth). */
  max_leaves?: number;
  min_child_weight?: number;
  lambda?: number;
  gamma?: number;
  subsample?: number;
  colsample_bytree?: number;
  max_bin?: number;
  seed?: number;
  early_stopping_rounds?: number;
  /** Initial prediction: a probability for logistic (default 0.5), a value for regression (default: label mean). */
  base_score?: number;
}

/** Parameters after defaults and validation. */
export interface ResolvedGbdtParams {
  objective: GbdtObjective;
  n_estimators: number;
  learning_rate: number;
  max_depth: number;
  max_leaves: number;
  min_child_weight: number;
  lambda: number;
  gamma: number;
  subsample: number;
  colsample_bytree: number;
  max_bin: number;
  seed: number;
  early_stopping_rounds: number;
  base_score: number | null;
}

const OBJECTIVES: readonly GbdtObjective[] = ["binary:logistic", "reg:squarederror"];
const KNOWN = new Set([
  "objective",
  "n_estimators",
  "learning_rate",
  "max_depth",
  "max_leaves",
  "min_child_weight",
  "lambda",
  "gamma",
  "subsample",
  "colsample_bytree",
  "max_bin",
  "seed",
  "early_stopping_rounds",
  "base_score",
]);

type Check = (v: number) => boolean;
const isInt: Check = (v) => Number.isInteger(v);

function num(params: GbdtParams, key: keyof GbdtParams, fallback: number, ok: Check, rule: string): number {
  const v = params[key] ?? fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || !ok(v)) {
    throw invalidParam(`GBDT parameter '${key}' must be ${rule}, got ${JSON.stringify(params[key])}`);
  }
  return v;
}

/** Applies defaults and rejects bad values with INVALID_PARAMETER_VALUE naming the parameter. */
export function resolveGbdtParams(params: GbdtParams): ResolvedGbdtParams {
  for (const key of Object.keys(params)) {
    if (!KNOWN.has(key)) throw invalidParam(`Unknown GBDT parameter '${key}'`);
  }
  const objective = params.objective ?? "binary:logistic";
  if (!OBJECTIVES.includes(objective)) {
    throw invalidParam(`GBDT parameter 'objective' must be one of ${OBJECTIVES.join(", ")}, got '${objective}'`);
  }
  const logistic = objective === "binary:logistic";
  const baseScore = params.base_score;
  if (baseScore !== undefined) {
    const ok = logistic ? (v: number) => v > 0 && v < 1 : () => true;
    num(params, "base_score", 0, ok, logistic ? "in (0, 1) for binary:logistic" : "a finite number");
  }
  return {
    objective,
    n_estimators: num(params, "n_estimators", 100, (v) => isInt(v) && v >= 1, "an integer >= 1"),
    learning_rate: num(params, "learning_rate", 0.3, (v) => v > 0, "> 0"),
    max_depth: num(params, "max_depth", 6, (v) => isInt(v) && v >= 1 && v <= 30, "an integer in [1, 30]"),
    max_leaves: num(params, "max_leaves", 0, (v) => isInt(v) && (v === 0 || v >= 2), "0 (no limit) or an integer >= 2"),
    min_child_weight: num(params, "min_child_weight", 1, (v) => v >= 0, ">= 0"),
    lambda: num(params, "lambda", 1, (v) => v >= 0, ">= 0"),
    gamma: num(params, "gamma", 0, (v) => v >= 0, ">= 0"),
    subsample: num(params, "subsample", 1, (v) => v > 0 && v <= 1, "in (0, 1]"),
    colsample_bytree: num(params, "colsample_bytree", 1, (v) => v > 0 && v <= 1, "in (0, 1]"),
    // Bin codes are bytes and code 255 is reserved for missing values.
    max_bin: num(params, "max_bin", 256, (v) => isInt(v) && v >= 2 && v <= 256, "an integer in [2, 256]"),
    seed: num(params, "seed", 0, (v) => isInt(v) && v >= 0 && v < 2 ** 32, "an integer in [0, 2^32)"),
    early_stopping_rounds: num(params, "early_stopping_rounds", 0, (v) => isInt(v) && v >= 0, "an integer >= 0"),
    base_score: baseScore ?? null,
  };
}
