/** How each Table column type is written to Parquet with hyparquet-writer: its schema element and its values. */
import type { SchemaElement } from "hyparquet-writer";
import type { Column } from "../table.js";

/** One column's schema element, and how a chunk of it becomes the values hyparquet-writer takes. */
export interface ParquetColumn {
  element: SchemaElement;
  values(c: Column): unknown[];
}

/**
 * The Parquet type for a column (all OPTIONAL, nulls kept): strings UTF8, timestamps INT64 millis
 * (UTC), int INT64 unless a value is beyond 2^53 (then DOUBLE), floats DOUBLE. `whole` is scanned once.
 */
export function parquetColumn(whole: Column): ParquetColumn {
  const name = whole.name;
  const optional = { name, repetition_type: "OPTIONAL" } as const;
  switch (whole.type) {
    case "string":
      return {
        element: { ...optional, type: "BYTE_ARRAY", converted_type: "UTF8" },
        values: (c) => mapRows(c, (i) => (c.type === "string" ? c.dictionary[c.codes[i] as number] : null)),
      };
    case "bool":
      return { element: { ...optional, type: "BOOLEAN" }, values: (c) => mapRows(c, (i) => numberAt(c, i) === 1) };
    case "timestamp":
      return {
        element: {
          ...optional,
          type: "INT64",
          converted_type: "TIMESTAMP_MILLIS",
          logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
        },
        values: (c) => mapRows(c, (i) => BigInt(Math.round(numberAt(c, i)))),
      };
    case "int":
      if (allSafeIntegers(whole))
        return { element: { ...optional, type: "INT64" }, values: (c) => mapRows(c, (i) => BigInt(numberAt(c, i))) };
      return { element: { ...optional, type: "DOUBLE" }, values: (c) => mapRows(c, (i) => numberAt(c, i)) };
    case "float":
      return { element: { ...optional, type: "DOUBLE" }, values: (c) => mapRows(c, (i) => numberAt(c, i)) };
  }
}

/** One value per row, null where the column is missing a value. */
function mapRows(c: Column, value: (i: number) => unknown): unknown[] {
  const out = new Array<unknown>(c.length);
  for (let i = 0; i < c.length; i++) out[i] = c.nulls?.[i] === 1 ? null : value(i);
  return out;
}

function numberAt(c: Column, i: number): number {
  return c.type === "string" ? Number.NaN : (c.values[i] as number);
}

function allSafeIntegers(c: Column): boolean {
  if (c.type !== "int") return false;
  for (let i = 0; i < c.length; i++) {
    if (c.nulls?.[i] !== 1 && !Number.isSafeInteger(c.values[i])) return false;
  }
  return true;
}
