/**
 * Feast's feature-server answer (`POST /get-online-features`): column-oriented, entity columns
 * first, then each feature, each with per-row values, statuses and event timestamps (ISO 8601;
 * Feast's epoch zero where there is none: entity columns and features not found).
 */
import type { OnlineFeaturesResponse } from "../../core/api/feature-routes.js";
import type { FeatureColumn } from "./online-features.js";

const EPOCH = "1970-01-01T00:00:00Z";

/** The Feast answer from the request's entity columns and the features read. */
export function feastResponse(
  given: ReadonlyMap<string, unknown[]>,
  features: FeatureColumn[],
): OnlineFeaturesResponse {
  const names: string[] = [];
  const results: OnlineFeaturesResponse["results"] = [];
  for (const [name, values] of given) {
    names.push(name);
    results.push({
      values,
      statuses: values.map(() => "PRESENT" as const),
      event_timestamps: values.map(() => EPOCH),
    });
  }
  for (const f of features) {
    names.push(f.name);
    results.push({
      values: f.type === "timestamp" ? f.values.map(isoOrNull) : f.values,
      statuses: f.statuses,
      event_timestamps: f.eventTimes.map((t, i) => (f.statuses[i] === "NOT_FOUND" ? EPOCH : isoTime(t))),
    });
  }
  return { metadata: { feature_names: names }, results };
}

function isoTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? EPOCH : d.toISOString();
}

function isoOrNull(v: unknown): unknown {
  return typeof v === "number" ? isoTime(v) : v;
}
