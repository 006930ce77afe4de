/** Durations as people write them on a command line: `500ms`, `30s`, `5m`, `1h`, `30d` (a bare number is seconds). */
import { invalidParam } from "./errors.js";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds for a duration text; invalidParam naming `field` otherwise. */
export function parseDuration(field: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m)
    throw invalidParam(`Invalid value for '${field}': expected a duration such as 500ms, 30s or 5m, got '${text}'.`);
  return Math.round(Number(m[1]) * (UNITS[m[2] ?? "s"] as number));
}

/** A duration in the largest unit that keeps it whole: 1500 → `1500ms`, 30000 → `30s`. */
export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
