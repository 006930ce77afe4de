/** Writing values into PromQL text: string literals and range durations. */

/**
 * The text of a double-quoted PromQL string holding `value`, without the quotes. JSON's escapes
 * (`\"`, `\\`, `\n`, `\uXXXX`) are a subset of PromQL's Go-style ones, so JSON.stringify does it.
 */
export function escapePromqlString(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/** A label matcher `name="value"`, the value escaped. */
export function labelEquals(name: string, value: string): string {
  return `${name}="${escapePromqlString(value)}"`;
}

/** A range in whole seconds, rounded up so it covers `ms`, and at least 1 s. */
export function rangeSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** A PromQL range duration covering `ms`, e.g. `30s`. */
export function promRange(ms: number): string {
  return `${rangeSeconds(ms)}s`;
}
