/**
 * The objective line of a LightGBM model and what `Booster.predict` does with the raw scores for it
 * (each objective's `ConvertOutput` in src/objective/*.hpp), in double precision as LightGBM does:
 * - binary `sigmoid:s` → 1 / (1 + exp(-s·x)); cross_entropy → 1 / (1 + exp(-x));
 * - regression, regression_l1, huber, fair, quantile, mape → x (with `sqrt`: sign(x)·x²);
 * - poisson, gamma, tweedie → exp(x);
 * - multiclass `num_class:k` → softmax over the k scores of a row;
 * - no objective (a custom objective function, which LightGBM does not save) → the raw score, as
 *   `predict` returns it, for a single-output model (served as a regression, with a warning).
 * Ranking, one-vs-all multiclass, cross_entropy_lambda and multi-output custom objectives are
 * refused: their outputs are not a probability or a value of the kinds served here.
 */
import { invalidParam } from "../../core/errors.js";
import type { ModelKind } from "../runtime.js";

/** How one row's raw scores become its outputs, in place. */
export type Transform = (scores: Float64Array, at: number) => void;

/** A supported objective. */
export interface LightgbmObjective {
  /** The objective's name as LightGBM spells it canonically. */
  readonly name: string;
  readonly kind: ModelKind;
  /** Scores per row (the number of classes for multiclass, else 1). */
  readonly outputs: number;
  readonly transform: Transform;
  /** Said at load: the scores are raw margins (custom objective). */
  readonly warning?: string;
}

/** LightGBM's `ParseObjectiveAlias` (include/LightGBM/config.h). */
const ALIASES: Record<string, string> = {
  regression_l2: "regression",
  mean_squared_error: "regression",
  mse: "regression",
  l2: "regression",
  l2_root: "regression",
  root_mean_squared_error: "regression",
  rmse: "regression",
  mean_absolute_error: "regression_l1",
  l1: "regression_l1",
  mae: "regression_l1",
  softmax: "multiclass",
  multiclass_ova: "multiclassova",
  ova: "multiclassova",
  ovr: "multiclassova",
  xentropy: "cross_entropy",
  xentlambda: "cross_entropy_lambda",
  mean_absolute_percentage_error: "mape",
  xendcg: "rank_xendcg",
  xe_ndcg: "rank_xendcg",
  xe_ndcg_mart: "rank_xendcg",
  xendcg_mart: "rank_xendcg",
  none: "custom",
  null: "custom",
  na: "custom",
};

const IDENTITY_FAMILY = new Set(["regression", "regression_l1", "huber", "fair", "quantile", "mape"]);
const EXP_FAMILY = new Set(["poisson", "gamma", "tweedie"]);
const REFUSED: Record<string, string> = {
  lambdarank: "a ranking objective (scores order items, they are not a value, class or probability)",
  rank_xendcg: "a ranking objective (scores order items, they are not a value, class or probability)",
  multiclassova: "one-vs-all multiclass (its per-class probabilities do not sum to 1)",
  cross_entropy_lambda: "cross_entropy_lambda (its output is an intensity, not a probability)",
};

/** `key:value` parameters after the objective's name. */
function parameter(tokens: readonly string[], key: string): string | undefined {
  const token = tokens.find((t) => t.startsWith(`${key}:`));
  return token?.slice(key.length + 1);
}

/**
 * The objective of a model with `numClass` classes and `perIteration` trees per iteration;
 * `label` (the file) starts every error.
 */
export function lightgbmObjective(
  line: string | undefined,
  numClass: number,
  perIteration: number,
  label: string,
): LightgbmObjective {
  const tokens = (line ?? "").trim().split(/\s+/);
  const raw = tokens[0] || "custom";
  const name = ALIASES[raw] ?? raw;
  if (name === "custom") return custom(numClass, perIteration, label);
  const refused = REFUSED[name];
  if (refused) throw invalidParam(`${label}: objective '${line}' is not supported: ${refused}`);
  const single = (kind: ModelKind, transform: Transform): LightgbmObjective => {
    if (numClass !== 1 || perIteration !== 1) {
      throw invalidParam(`${label}: objective '${name}' needs num_class=1, the header says ${numClass}`);
    }
    return { name, kind, outputs: 1, transform };
  };
  if (name === "binary") return single("binary", sigmoid(Number(parameter(tokens, "sigmoid") ?? 1), label));
  if (name === "cross_entropy") return single("binary", sigmoid(1, label));
  if (IDENTITY_FAMILY.has(name)) return single("regression", tokens.includes("sqrt") ? signedSquare : identity);
  if (EXP_FAMILY.has(name)) return single("regression", exponential);
  if (name === "multiclass") return multiclass(tokens, numClass, perIteration, label);
  throw invalidParam(
    `${label}: unknown objective '${line}' (supported: binary, cross_entropy, regression, regression_l1, huber, fair, quantile, mape, poisson, gamma, tweedie, multiclass)`,
  );
}

/** LightGBM's predict returns raw scores when the objective was a Python function. */
function custom(numClass: number, perIteration: number, label: string): LightgbmObjective {
  if (numClass !== 1 || perIteration !== 1) {
    throw invalidParam(
      `${label}: the model has no objective (a custom objective function) and ${numClass} classes: its raw scores are not class probabilities`,
    );
  }
  const warning = `${label}: the model has no objective (trained with a custom objective function): its scores are LightGBM's raw scores, served as a regression`;
  return { name: "custom", kind: "regression", outputs: 1, transform: identity, warning };
}

function multiclass(tokens: readonly string[], numClass: number, perIteration: number, label: string) {
  const k = Number(parameter(tokens, "num_class") ?? numClass);
  if (k < 2 || k !== numClass || perIteration !== numClass) {
    throw invalidParam(
      `${label}: multiclass objective with num_class:${k} does not match the header (num_class=${numClass}, num_tree_per_iteration=${perIteration})`,
    );
  }
  return { name: "multiclass", kind: "multiclass" as const, outputs: k, transform: softmax(k) };
}

function sigmoid(s: number, label: string): Transform {
  if (!Number.isFinite(s) || s <= 0) throw invalidParam(`${label}: the binary objective's sigmoid:${s} is not valid`);
  return (m, at) => {
    m[at] = 1 / (1 + Math.exp(-s * (m[at] as number)));
  };
}

function identity(): void {}

function signedSquare(m: Float64Array, at: number): void {
  const x = m[at] as number;
  m[at] = Math.sign(x) * x * x;
}

function exponential(m: Float64Array, at: number): void {
  m[at] = Math.exp(m[at] as number);
}

/** `Common::Softmax`: exp(x - max) over the row, divided by their sum. */
function softmax(k: number): Transform {
  return (m, at) => {
    let max = m[at] as number;
    for (let j = 1; j < k; j++) max = Math.max(max, m[at + j] as number);
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp((m[at + j] as number) - max);
      m[at + j] = e;
      sum += e;
    }
    for (let j = 0; j < k; j++) m[at + j] = (m[at + j] as number) / sum;
  };
}
