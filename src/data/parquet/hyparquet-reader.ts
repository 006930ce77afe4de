/**
 * The previous Parquet → Table path: hyparquet decodes the whole file into JS values, which are
 * then converted cell by cell. Kept as the reference the fast reader is tested against (same
 * Table on every file) and as the "old path" of bench/data/parquet-vs-csv.ts.
 */
import type { ColumnData, FileMetaData } from "hyparquet";
import { parquetMetadata, parquetRead } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import { invalidParam } from "../../core/errors.js";
import type { Column, LogicalType } from "../table.js";
import { Table } from "../table.js";
import { flatLeaves, naturalType } from "./column-plan.js";
import type { ParquetReadOptions } from "./parquet-reader.js";
import { looksLikeParquet } from "./parquet-reader.js";

/** Read Parquet bytes into a Table through hyparquet's row decoding (flat schemas only). */
export async function readParquetWithHyparquet(buf: Uint8Array, options: ParquetReadOptions = {}): Promise<Table> {
  const source = options.source ?? "<buffer>";
  if (!looksLikeParquet(buf)) throw invalidParam(`${source}: not a Parquet file (missing PAR1 magic bytes)`);
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  let metadata: FileMetaData;
  try {
    metadata = parquetMetadata(file);
  } catch (e) {
    throw invalidParam(`${source}: corrupt Parquet footer (${(e as Error).message})`);
  }
  const leaves = flatLeaves(metadata.schema, source);
  const numRows = Number(metadata.num_rows);
  const chunks = new Map<string, ColumnData[]>(leaves.map((l) => [l.name, []]));
  try {
    await parquetRead({
      file,
      metadata,
      compressors,
      onChunk: (c) => chunks.get(c.columnName)?.push(c),
    });
  } catch (e) {
    throw invalidParam(`${source}: cannot decode Parquet data (${(e as Error).message})`);
  }
  const types = options.types ?? {};
  for (const name of Object.keys(types)) {
    if (!chunks.has(name)) throw invalidParam(`${source}: types names column '${name}', which the file lacks`);
  }
  return new Table(
    leaves.map((leaf, c) => {
      const values = gather(chunks.get(leaf.name) ?? [], numRows);
      const type = types[leaf.name] ?? naturalType(leaf);
      return buildColumn(leaf.name, type, values, (row, why) =>
        invalidParam(`${source}: row ${row + 1}, column ${c + 1} ('${leaf.name}'): ${why}`),
      );
    }),
  );
}

function gather(chunks: ColumnData[], numRows: number): unknown[] {
  const out = new Array<unknown>(numRows).fill(null);
  for (const c of chunks) {
    const data = c.columnData as ArrayLike<unknown>;
    for (let i = 0; i < data.length && c.rowStart + i < numRows; i++) out[c.rowStart + i] = data[i];
  }
  return out;
}

type Fail = (row: number, why: string) => Error;

function toNumber(v: unknown, row: number, fail: Fail): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return v.getTime();
  if (typeof v === "boolean") return v ? 1 : 0;
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
  if (Number.isNaN(n)) throw fail(row, `value '${String(v)}' is not a number`);
  return n;
}

function buildColumn(name: string, type: LogicalType, values: unknown[], fail: Fail): Column {
  const length = values.length;
  const nulls = new Uint8Array(length);
  let hasNull = false;
  values.forEach((v, i) => {
    if (v === null || v === undefined) {
      nulls[i] = 1;
      hasNull = true;
    }
  });
  const base = { name, length, ...(hasNull ? { nulls } : {}) };
  if (type === "string") {
    const dict = new Map<string, number>();
    const codes = new Int32Array(length);
    values.forEach((v, i) => {
      if (nulls[i]) codes[i] = -1;
      else {
        const s = v instanceof Uint8Array ? Buffer.from(v).toString("utf8") : String(v);
        let code = dict.get(s);
        if (code === undefined) {
          code = dict.size;
          dict.set(s, code);
        }
        codes[i] = code;
      }
    });
    return { ...base, type, codes, dictionary: [...dict.keys()] };
  }
  if (type === "bool") {
    const out = new Uint8Array(length);
    values.forEach((v, i) => {
      if (!nulls[i]) out[i] = toNumber(v, i, fail) ? 1 : 0;
    });
    return { ...base, type, values: out };
  }
  const out = new Float64Array(length);
  values.forEach((v, i) => {
    out[i] = nulls[i] ? Number.NaN : toNumber(v, i, fail);
    if (type === "int" && !nulls[i] && !Number.isInteger(out[i]))
      throw fail(i, `value '${String(v)}' is not an integer`);
  });
  return { ...base, type, values: out };
}
