/**
 * How each Parquet leaf column becomes a Table column: its Table type (from the schema, or a
 * declared override) and, for the columns the fast decoder handles, how a physical value turns
 * into the Table's value. The conversions mirror what hyparquet produces, so both paths agree.
 */
import type { SchemaElement } from "hyparquet";
import { invalidParam } from "../../core/errors.js";
import type { LogicalType } from "../table.js";

/** Physical types the fast decoder reads. */
export type Physical = "BOOLEAN" | "INT32" | "INT64" | "INT96" | "FLOAT" | "DOUBLE" | "BYTE_ARRAY";

/**
 * A value's conversion: `raw` as stored, `uint` unsigned, `days` → epoch ms, `micros`/`nanos` →
 * epoch ms truncated toward zero, `decimal` divided by 10^scale, `millis` epoch ms, `int96`
 * Julian day and nanoseconds of the day (Spark, Impala) → epoch ms truncated toward zero.
 */
export type Transform = "raw" | "uint" | "days" | "millis" | "micros" | "nanos" | "decimal" | "int96";

/** One leaf column's plan. */
export interface ColumnPlan {
  name: string;
  /** Position among the leaves (and in each row group's column chunks). */
  leaf: number;
  /** OPTIONAL (a definition level per value) rather than REQUIRED. */
  optional: boolean;
  /** The Table column's type. */
  type: LogicalType;
  /** The fast decoder's reading, or undefined when the column is read through hyparquet. */
  fast?: { physical: Physical; transform: Transform; divisor: number };
  /** Declared int over stored fractions: each value must be whole. */
  checkWhole: boolean;
}

/** Plan every leaf; `types` are declared overrides by column name. */
export function planColumns(leaves: readonly SchemaElement[], types: Record<string, LogicalType>): ColumnPlan[] {
  return leaves.map((e, leaf) => {
    const natural = naturalType(e);
    const type = types[e.name] ?? natural;
    const checkWhole = type === "int" && natural !== "int";
    const plan: ColumnPlan = { name: e.name, leaf, optional: e.repetition_type !== "REQUIRED", type, checkWhole };
    const reading = fastReading(e);
    if (reading && e.repetition_type !== "REPEATED" && overrideIsNumeric(natural, type, reading.transform)) {
      plan.fast = reading;
    }
    return plan;
  });
}

/** The leaf columns of a flat schema; nested columns (structs, lists, maps) are an error naming `source`. */
export function flatLeaves(schema: readonly SchemaElement[], source: string): SchemaElement[] {
  const [root, ...rest] = schema;
  if (!root || rest.some((e) => (e.num_children ?? 0) > 0) || rest.length !== (root.num_children ?? 0)) {
    throw invalidParam(`${source}: nested Parquet columns (structs, lists, maps) are not supported`);
  }
  return rest;
}

/** The logical type a Parquet column maps to without an override. */
export function naturalType(e: SchemaElement): LogicalType {
  const logical = e.logical_type?.type;
  if (logical === "TIMESTAMP" || logical === "DATE") return "timestamp";
  if (e.converted_type === "TIMESTAMP_MILLIS" || e.converted_type === "TIMESTAMP_MICROS" || e.converted_type === "DATE")
    return "timestamp";
  if (e.converted_type === "DECIMAL" || logical === "DECIMAL") return "float";
  switch (e.type) {
    case "BOOLEAN":
      return "bool";
    case "INT32":
    case "INT64":
      return "int";
    case "FLOAT":
    case "DOUBLE":
      return "float";
    case "INT96":
      return "timestamp";
    default:
      return "string";
  }
}

/**
 * Overrides the fast path keeps: none, or numbers to numbers where the values stay the same
 * (float → int only checks each is whole). Every other override converts value by value the
 * way the hyparquet path always has, so it stays there.
 */
function overrideIsNumeric(natural: LogicalType, type: LogicalType, transform: Transform): boolean {
  if (natural === type) return true;
  const numeric = (t: LogicalType) => t === "int" || t === "float" || t === "timestamp";
  if (!numeric(natural) || !numeric(type)) return false;
  // Dates and timestamps into int would have to report an invalid date the way a Date prints.
  return !(type === "int" && (natural === "timestamp" || transform !== "raw"));
}

/**
 * The fast reading of a column, in the order hyparquet's `convert` tests the annotations, or
 * undefined for the types left to hyparquet (fixed-length byte arrays, non-integer decimals,
 * annotated INT96, JSON, BSON, INTERVAL, FLOAT16, UUID, geometry).
 */
function fastReading(e: SchemaElement): ColumnPlan["fast"] {
  const physical = e.type;
  const ctype = e.converted_type;
  const ltype = e.logical_type;
  if (physical === "INT96") return ctype || ltype ? undefined : { physical, transform: "int96", divisor: 1 };
  if (
    physical !== "BOOLEAN" &&
    physical !== "INT32" &&
    physical !== "INT64" &&
    physical !== "FLOAT" &&
    physical !== "DOUBLE" &&
    physical !== "BYTE_ARRAY"
  ) {
    return undefined;
  }
  const read = (transform: Transform, divisor = 1) => ({ physical, transform, divisor });
  if (ctype === "DECIMAL") {
    return physical === "INT32" || physical === "INT64" ? read("decimal", 10 ** (e.scale || 0)) : undefined;
  }
  if (ctype === "DATE") return physical === "INT32" ? read("days") : undefined;
  if (ctype === "TIMESTAMP_MILLIS") return physical === "INT64" ? read("millis") : undefined;
  if (ctype === "TIMESTAMP_MICROS") return physical === "INT64" ? read("micros") : undefined;
  if (ctype === "JSON" || ctype === "BSON" || ctype === "INTERVAL") return undefined;
  const lt = ltype?.type;
  if (lt === "GEOMETRY" || lt === "GEOGRAPHY" || lt === "UUID" || lt === "FLOAT16" || lt === "VARIANT")
    return undefined;
  if (ctype === "UTF8" || lt === "STRING" || physical === "BYTE_ARRAY") {
    return physical === "BYTE_ARRAY" ? read("raw") : undefined;
  }
  const unsignedBits = ltype?.type === "INTEGER" && !ltype.isSigned ? ltype.bitWidth : 0;
  if (ctype === "UINT_64" || unsignedBits === 64) return physical === "INT64" ? read("uint") : undefined;
  if (ctype === "UINT_32" || unsignedBits === 32) return physical === "INT32" ? read("uint") : undefined;
  if (ltype?.type === "TIMESTAMP") {
    if (physical !== "INT64") return undefined;
    return read(ltype.unit === "MICROS" ? "micros" : ltype.unit === "NANOS" ? "nanos" : "millis");
  }
  return read("raw");
}
