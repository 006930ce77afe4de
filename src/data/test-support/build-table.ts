/** Builds Tables from plain JS rows for tests (until the CSV reader lands). */
import { type Column, type LogicalType, Table } from "../table.js";

type Cell = number | string | boolean | Date | null | undefined;

/** A Table from a header and row arrays; types are inferred per column unless given. */
export function tableFromRows(
  header: readonly string[],
  rows: readonly Cell[][],
  types?: readonly LogicalType[],
): Table {
  return new Table(
    header.map((name, j) => {
      const values = rows.map((r) => r[j] ?? null);
      return buildColumn(name, values, types?.[j] ?? inferType(values));
    }),
  );
}

/** A Table from named value arrays; types are inferred unless given. */
export function tableFromColumns(
  columns: Record<string, readonly Cell[]>,
  types: Record<string, LogicalType> = {},
): Table {
  return new Table(Object.entries(columns).map(([name, vs]) => buildColumn(name, vs, types[name] ?? inferType(vs))));
}

/** One column of the given type from plain values (null/undefined are missing). */
export function buildColumn(name: string, values: readonly Cell[], type: LogicalType): Column {
  const n = values.length;
  const nulls = new Uint8Array(n);
  values.forEach((v, i) => {
    if (v === null || v === undefined) nulls[i] = 1;
  });
  const base = { name, length: n, ...(nulls.includes(1) ? { nulls } : {}) };
  if (type === "string") {
    const dict = new Map<string, number>();
    const codes = Int32Array.from(values, (v) => {
      if (v === null || v === undefined) return -1;
      const s = String(v);
      if (!dict.has(s)) dict.set(s, dict.size);
      return dict.get(s) as number;
    });
    return { ...base, type, codes, dictionary: [...dict.keys()] };
  }
  if (type === "bool") return { ...base, type, values: Uint8Array.from(values, (v) => (v === true ? 1 : 0)) };
  const values64 = Float64Array.from(values, (v) =>
    v === null || v === undefined ? Number.NaN : v instanceof Date ? v.getTime() : Number(v),
  );
  return { ...base, type, values: values64 };
}

function inferType(values: readonly Cell[]): LogicalType {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length > 0 && present.every((v) => typeof v === "boolean")) return "bool";
  if (present.length > 0 && present.every((v) => v instanceof Date)) return "timestamp";
  if (present.every((v) => typeof v === "number")) {
    return present.every((v) => Number.isInteger(v)) ? "int" : "float";
  }
  return "string";
}
