/** The text form of a routing key, as the CLI and HTTP API take it: `COLUMN` or `header:NAME`. */
import { invalidParam } from "../../core/errors.js";
import type { RoutingKey } from "./deployment.js";

/** Parse `COL`, `column:COL` or `header:NAME` (header names are case-insensitive, so lower-cased). */
export function parseRoutingKey(text: string, field = "routing_key"): RoutingKey {
  const m = /^(header|column):(.*)$/s.exec(text);
  const key: RoutingKey = m
    ? { source: m[1] as RoutingKey["source"], name: m[2] as string }
    : { source: "column", name: text };
  if (key.name.trim() === "") {
    throw invalidParam(
      `Invalid value for '${field}': expected a column name or 'header:NAME', got ${JSON.stringify(text)}.`,
    );
  }
  return key.source === "header" ? { source: "header", name: key.name.toLowerCase() } : key;
}

/** The text form of a routing key; `parseRoutingKey(formatRoutingKey(k))` gives `k` back. */
export function formatRoutingKey(key: RoutingKey): string {
  if (key.source === "header") return `header:${key.name}`;
  // A column whose name looks like a prefixed form keeps an explicit prefix to round-trip.
  return /^(header|column):/.test(key.name) ? `column:${key.name}` : key.name;
}
