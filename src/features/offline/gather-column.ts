/** Build output columns from source columns and the matches of the entity rows (no match: null). */
import type { Column, LogicalType } from "../../data/table.js";
import type { Matches } from "./point-in-time-join.js";

/** One output column: the source column, its name and type in the output. */
export interface Gathered {
  source: Column;
  name: string;
  /** An int source read as a float feature keeps its values. */
  type: LogicalType;
}

/**
 * The values of each source column at the matched rows, one per entity row. Matches come in entity
 * time order, so a source kept in time order is read nearly in sequence; the null mask of the
 * matches is built once and shared by every column whose source has no nulls.
 */
export function gatherColumns(columns: readonly Gathered[], m: Matches): Column[] {
  const n = m.numRows;
  const { entityRows, sourceRows } = m;
  const unmatched = new Uint8Array(n).fill(1);
  let matched = 0;
  for (let k = 0; k < entityRows.length; k++) {
    if ((sourceRows[k] as number) < 0) continue;
    unmatched[entityRows[k] as number] = 0;
    matched++;
  }
  return columns.map((g) => {
    let nulls: Uint8Array | undefined = matched === n ? undefined : unmatched;
    const srcNulls = g.source.nulls;
    if (srcNulls) {
      nulls = nulls ? nulls.slice() : new Uint8Array(n);
      for (let k = 0; k < entityRows.length; k++) {
        const r = sourceRows[k] as number;
        if (r >= 0 && srcNulls[r] === 1) nulls[entityRows[k] as number] = 1;
      }
    }
    const base = { name: g.name, length: n, ...(nulls ? { nulls } : {}) };
    const s = g.source;
    if (s.type === "string")
      return { ...base, type: "string", codes: gatherCodes(s.codes, m), dictionary: s.dictionary };
    if (s.type === "bool") return { ...base, type: "bool", values: gatherBytes(s.values, m) };
    const type = g.type === "float" || g.type === "timestamp" ? g.type : s.type;
    return { ...base, type, values: gatherNumbers(s.values, m) } as Column;
  });
}

function gatherNumbers(src: Float64Array, m: Matches): Float64Array {
  const out = new Float64Array(m.numRows).fill(Number.NaN);
  const { entityRows, sourceRows } = m;
  for (let k = 0; k < entityRows.length; k++) {
    const r = sourceRows[k] as number;
    if (r >= 0) out[entityRows[k] as number] = src[r] as number;
  }
  return out;
}

function gatherCodes(src: Int32Array, m: Matches, srcNulls?: Uint8Array, nulls?: Uint8Array): Int32Array {
  const out = new Int32Array(m.numRows).fill(-1);
  const { entityRows, sourceRows } = m;
  for (let k = 0; k < entityRows.length; k++) {
    const r = sourceRows[k] as number;
    if (r < 0) continue;
    const e = entityRows[k] as number;
    if (srcNulls !== undefined && srcNulls[r] === 1) (nulls as Uint8Array)[e] = 1;
    else out[e] = src[r] as number;
  }
  return out;
}

function gatherBytes(src: Uint8Array, m: Matches): Uint8Array {
  const out = new Uint8Array(m.numRows);
  const { entityRows, sourceRows } = m;
  for (let k = 0; k < entityRows.length; k++) {
    const r = sourceRows[k] as number;
    if (r >= 0) out[entityRows[k] as number] = src[r] as number;
  }
  return out;
}
