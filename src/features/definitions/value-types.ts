/** Value types as definitions spell them, and which stored column types satisfy a declared one. */
import { LOGICAL_TYPES } from "../../data/table.js";
import type { ValueType } from "./feature-spec.js";

// Feast's names, so definitions ported from a Feast repository read as written.
const ALIASES: Record<string, ValueType> = {
  int32: "int",
  int64: "int",
  float32: "float",
  float64: "float",
  double: "float",
  str: "string",
  bytes: "string",
  boolean: "bool",
  unixtimestamp: "timestamp",
  datetime: "timestamp",
};

/** The value type a name means (ours: int, float, bool, string, timestamp; or Feast's), or undefined. */
export function valueTypeOf(name: string): ValueType | undefined {
  const lower = name.toLowerCase();
  if ((LOGICAL_TYPES as readonly string[]).includes(lower)) return lower as ValueType;
  return ALIASES[lower];
}

/** What a type-name error lists. */
export const VALUE_TYPE_NAMES = `${LOGICAL_TYPES.join(", ")} (or Feast's Int64, Float64, String, Bool, UnixTimestamp)`;

/** True when a column stored as `actual` can be read as `declared` (an int column serves a float feature). */
export function satisfies(declared: ValueType, actual: ValueType): boolean {
  return declared === actual || (declared === "float" && actual === "int");
}
