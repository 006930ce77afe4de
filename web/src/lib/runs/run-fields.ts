/** Reading MLflow run entities for display: key→value maps, numbers, names and parents. */
import type { KeyValue, Run, WireDouble } from "../../../../src/core/api/mlflow-entities";

export const PARENT_TAG = "mlflow.parentRunId";

/** A wire double (protobuf JSON spells non-finite values as strings) → number. */
export function toNumber(v: WireDouble | string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "number") return v;
  if (v === "NaN") return Number.NaN;
  if (v === "Infinity") return Number.POSITIVE_INFINITY;
  if (v === "-Infinity") return Number.NEGATIVE_INFINITY;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Key/value pairs → a plain map (last one wins, as MLflow does for tags). */
export function kvMap(list: KeyValue[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list ?? []) out[kv.key] = kv.value;
  return out;
}

/** Latest metric values of a run by key. */
export function metricMap(run: Run): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of run.data.metrics ?? []) out[m.key] = toNumber(m.value) ?? Number.NaN;
  return out;
}

/** The name shown for a run: its run name, else a short id. */
export function runName(run: Run): string {
  return run.info.run_name || run.info.run_id.slice(0, 8);
}

/** The parent run id from the `mlflow.parentRunId` tag, if any. */
export function parentId(run: Run): string | undefined {
  return run.data.tags?.find((t) => t.key === PARENT_TAG)?.value || undefined;
}

/** Quote a value for the MLflow filter grammar. */
export function quoteFilterValue(v: string): string {
  return `'${v.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
