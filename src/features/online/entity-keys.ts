/**
 * Entity keys as the online store holds them: the join key values in the view's key order,
 * normalized by their declared type and encoded as one JSON array string, so `1001` from a CSV
 * source and `"1001"` from a request for an int key find the same record.
 */
import { invalidParam } from "../../core/errors.js";
import type { ValueType } from "../definitions/feature-spec.js";

/** A normalized key value (timestamps as ms, booleans as true/false). */
export type KeyValue = number | string | boolean;

/** The stored form of one entity's key values (already normalized). */
export function encodeEntityKey(values: readonly KeyValue[]): string {
  return JSON.stringify(values);
}

/** Normalize a key value given in a request; invalidParam naming `field` when it does not fit `type`. */
export function normalizeKeyValue(value: unknown, type: ValueType, field: string): KeyValue {
  const bad = (what: string): never => {
    throw invalidParam(`${field}: expected ${what}, got ${JSON.stringify(value) ?? String(value)}.`);
  };
  switch (type) {
    case "int": {
      const n = typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
      return typeof n === "number" && Number.isSafeInteger(n) ? n : bad("an integer");
    }
    case "float": {
      const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
      return typeof n === "number" && Number.isFinite(n) ? n : bad("a number");
    }
    case "string":
      if (typeof value === "string") return value;
      return typeof value === "number" && Number.isFinite(value) ? String(value) : bad("a string");
    case "bool":
      if (value === "true" || value === "false") return value === "true";
      return typeof value === "boolean" ? value : bad("true or false");
    case "timestamp": {
      const ms = typeof value === "string" ? Date.parse(value) : value;
      return typeof ms === "number" && Number.isFinite(ms) ? ms : bad("a time (ISO 8601 or ms since the epoch)");
    }
  }
}

/** Normalize a key value read from a source column (null stays null: such rows have no key). */
export function sourceKeyValue(value: number | string | boolean | null, type: ValueType): KeyValue | null {
  if (value === null) return null;
  if (type === "string") return String(value);
  if (type === "float" || type === "int" || type === "timestamp") return typeof value === "number" ? value : null;
  return typeof value === "boolean" ? value : value === 1;
}
