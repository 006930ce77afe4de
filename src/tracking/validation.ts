/** MLflow's limits and name rules (reference §1.6), each failure naming the field. */
import type { KeyValue } from "../core/api/mlflow-entities.js";
import { invalidParam } from "../core/errors.js";
import type { MetricInput } from "./tracking-store.js";

export const LIMITS = {
  metricsPerBatch: 1000,
  paramsPerBatch: 100,
  tagsPerBatch: 100,
  entitiesPerBatch: 1000,
  keyLength: 250,
  paramValueLength: 6000,
  // 5000 in MLflow 2.x, 8000 in 3.x: accept what the newer clients send.
  tagValueLength: 8000,
  experimentNameLength: 500,
  runSearchMaxResults: 50000,
  experimentSearchMaxResults: 50000,
} as const;

const KEY_RE = /^[/\w.\- ]*$/;

function normalizesElsewhere(key: string): boolean {
  if (key === "" || key.startsWith("/") || key.endsWith("/")) return true;
  return key.split("/").some((seg) => seg === "" || seg === "." || seg === "..");
}

/** Check a metric, param or tag key. */
export function validateKey(kind: "metric" | "param" | "tag", key: string): void {
  if (key.length > LIMITS.keyLength) {
    throw invalidParam(
      `${kind} key '${key.slice(0, 40)}…' has ${key.length} characters; at most ${LIMITS.keyLength} are allowed.`,
    );
  }
  if (!KEY_RE.test(key)) {
    throw invalidParam(
      `Invalid ${kind} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).`,
    );
  }
  if (normalizesElsewhere(key)) {
    throw invalidParam(
      `Invalid ${kind} name: '${key}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such.`,
    );
  }
}

/** Check a param value's length. */
export function validateParamValue(p: KeyValue): void {
  if (p.value.length > LIMITS.paramValueLength) {
    throw invalidParam(
      `Param value for key '${p.key}' has ${p.value.length} characters; at most ${LIMITS.paramValueLength} are allowed.`,
    );
  }
}

/** Check a tag value's length. */
export function validateTagValue(t: KeyValue): void {
  if (t.value.length > LIMITS.tagValueLength) {
    throw invalidParam(
      `Tag value for key '${t.key}' has ${t.value.length} characters; at most ${LIMITS.tagValueLength} are allowed.`,
    );
  }
}

/** Check a metric's key, timestamp and step. */
export function validateMetric(m: MetricInput): void {
  validateKey("metric", m.key);
  if (m.timestamp < 0)
    throw invalidParam(
      `Metric '${m.key}' has a negative timestamp ${m.timestamp}; expected milliseconds since the epoch.`,
    );
}

/** Check a whole log-batch request: counts, keys, values, duplicate params. */
export function validateBatch(
  metrics: readonly MetricInput[],
  params: readonly KeyValue[],
  tags: readonly KeyValue[],
): void {
  if (metrics.length > LIMITS.metricsPerBatch) {
    throw invalidParam(
      `A batch logging request can contain at most ${LIMITS.metricsPerBatch} metrics. Got ${metrics.length} metrics.`,
    );
  }
  if (params.length > LIMITS.paramsPerBatch) {
    throw invalidParam(
      `A batch logging request can contain at most ${LIMITS.paramsPerBatch} params. Got ${params.length} params.`,
    );
  }
  if (tags.length > LIMITS.tagsPerBatch) {
    throw invalidParam(
      `A batch logging request can contain at most ${LIMITS.tagsPerBatch} tags. Got ${tags.length} tags.`,
    );
  }
  const total = metrics.length + params.length + tags.length;
  if (total > LIMITS.entitiesPerBatch) {
    throw invalidParam(
      `A batch logging request can contain at most ${LIMITS.entitiesPerBatch} metrics, params and tags in total. Got ${total}.`,
    );
  }
  // A batch repeats few keys many times: check each distinct key once.
  let lastKey: string | undefined;
  const keys = new Set<string>();
  for (const m of metrics) {
    if (m.timestamp < 0) validateMetric(m);
    if (m.key === lastKey) continue;
    lastKey = m.key;
    keys.add(m.key);
  }
  for (const k of keys) validateKey("metric", k);
  const seen = new Set<string>();
  for (const p of params) {
    validateKey("param", p.key);
    validateParamValue(p);
    if (seen.has(p.key))
      throw invalidParam(
        `Duplicate parameter keys have been submitted: '${p.key}'. Please ensure the request contains only one param value per param key.`,
      );
    seen.add(p.key);
  }
  for (const t of tags) {
    validateKey("tag", t.key);
    validateTagValue(t);
  }
}

/** Check an experiment name. */
export function validateExperimentName(name: string): void {
  if (name.trim() === "") throw invalidParam("Invalid experiment name: ''. Expected a non-empty name.");
  if (name.length > LIMITS.experimentNameLength) {
    throw invalidParam(
      `Experiment name has ${name.length} characters; at most ${LIMITS.experimentNameLength} are allowed.`,
    );
  }
}

/** Check a max_results value against a cap. */
export function validateMaxResults(n: number, cap: number, field = "max_results"): void {
  if (n < 1 || n > cap)
    throw invalidParam(`Invalid value ${n} for parameter '${field}': expected an integer from 1 to ${cap}.`);
}
