/** `--param k=v` values: parsed, typed, defaulted, and refused by name when unknown. */
import { invalidParam } from "../../core/errors.js";

export type Algo = "gbdt" | "linear";

/** What a training fits: a binary classifier, or a regression (GBDT with squared error). */
export const TASKS = ["binary", "regression"] as const;
export type Task = (typeof TASKS)[number];

const REGRESSION_OBJECTIVE = "reg:squarederror";

type ParamSpec = { kind: "int" | "float"; default?: number } | { kind: "string"; default: string; values: string[] };

const SPECS: Record<Algo, Record<string, ParamSpec>> = {
  gbdt: {
    objective: { kind: "string", default: "binary:logistic", values: ["binary:logistic", "reg:squarederror"] },
    n_estimators: { kind: "int", default: 200 },
    // Shallow, slow trees by default: they generalise better on small tabular data such as Telco.
    learning_rate: { kind: "float", default: 0.05 },
    max_depth: { kind: "int", default: 3 },
    max_leaves: { kind: "int" },
    min_child_weight: { kind: "float", default: 1 },
    lambda: { kind: "float", default: 1 },
    gamma: { kind: "float", default: 0 },
    subsample: { kind: "float", default: 1 },
    colsample_bytree: { kind: "float", default: 1 },
    max_bin: { kind: "int", default: 256 },
    early_stopping_rounds: { kind: "int" },
  },
  linear: {
    C: { kind: "float", default: 1 },
    max_iter: { kind: "int", default: 1000 },
    tol: { kind: "float", default: 1e-8 },
  },
};

/** Resolved parameters: every known key with its value (defaults filled in). */
export type ResolvedParams = Record<string, number | string>;

/** Parse `k=v` strings for an algorithm; unknown keys and malformed values name the parameter. */
export function resolveParams(algo: Algo, entries: readonly string[]): ResolvedParams {
  const specs = SPECS[algo];
  const out: ResolvedParams = {};
  for (const [k, spec] of Object.entries(specs)) if (spec.default !== undefined) out[k] = spec.default;
  for (const entry of entries) {
    const at = entry.indexOf("=");
    const key = entry.slice(0, at).trim();
    const raw = entry.slice(at + 1).trim();
    if (at <= 0) throw invalidParam(`Invalid parameter '${entry}': expected KEY=VALUE.`);
    const spec = specs[key];
    if (!spec) {
      throw invalidParam(`Unknown parameter '${key}' for --algo ${algo}; known: ${Object.keys(specs).join(", ")}.`);
    }
    out[key] = parseValue(key, raw, spec);
  }
  return out;
}

function parseValue(key: string, raw: string, spec: ParamSpec): number | string {
  if (spec.kind === "string") {
    if (!spec.values.includes(raw))
      throw invalidParam(`Parameter '${key}' must be one of ${spec.values.join(", ")}, got '${raw}'.`);
    return raw;
  }
  const n = Number(raw);
  if (raw === "" || !Number.isFinite(n) || (spec.kind === "int" && !Number.isInteger(n))) {
    throw invalidParam(`Parameter '${key}' must be ${spec.kind === "int" ? "an integer" : "a number"}, got '${raw}'.`);
  }
  return n;
}

/**
 * Parameters for a task: a regression is a GBDT with the squared-error objective (the objective a
 * run records, so `runs reproduce` fits the same task); a classifier must not name that objective.
 */
export function resolveTaskParams(task: Task, algo: Algo, entries: readonly string[]): ResolvedParams {
  const params = resolveParams(algo, entries);
  const named = entries.some((e) => e.trim().startsWith("objective="));
  if (task === "regression") {
    if (algo !== "gbdt") {
      throw invalidParam(
        "A regression trains a GBDT with squared error; the linear trainer is a classifier: use --algo gbdt.",
      );
    }
    if (named && params.objective !== REGRESSION_OBJECTIVE) {
      throw invalidParam(
        `Parameter 'objective' must be ${REGRESSION_OBJECTIVE} for a regression, got '${params.objective}'.`,
      );
    }
    return { ...params, objective: REGRESSION_OBJECTIVE };
  }
  if (params.objective === REGRESSION_OBJECTIVE) {
    throw invalidParam(`Parameter 'objective' ${REGRESSION_OBJECTIVE} trains a regression: use --task regression.`);
  }
  return params;
}

/** The task resolved parameters fit (the GBDT objective tells). */
export function taskOf(algo: Algo, params: ResolvedParams): Task {
  return algo === "gbdt" && params.objective === REGRESSION_OBJECTIVE ? "regression" : "binary";
}

/** Parameters as MLflow params (strings), in a stable order. */
export function paramsAsStrings(params: ResolvedParams): { key: string; value: string }[] {
  return Object.keys(params)
    .sort()
    .map((key) => ({ key, value: String(params[key]) }));
}
