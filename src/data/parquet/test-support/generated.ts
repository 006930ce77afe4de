/**
 * Seeded random Parquet files written by hyparquet-writer (another implementation than the
 * reader under test): every physical type and annotation the fast decoder reads, optional and
 * required, with nulls, empty and non-ASCII strings, extreme numbers, several row groups and
 * small pages, PLAIN or dictionary pages, in any codec the writer can produce.
 */
import { gzipSync } from "node:zlib";
import type { ColumnSource, ParquetWriteOptions, SchemaElement } from "hyparquet-writer";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { seededRandom } from "../../../core/random.js";

type CompressionCodec = NonNullable<ParquetWriteOptions["codec"]>;
type Encoding = NonNullable<ColumnSource["encoding"]>;

/** How a generated file is laid out. */
export interface GeneratedFile {
  seed: number;
  rows: number;
  codec: CompressionCodec;
  /** Rows per row group. */
  rowGroupSize: number;
  /** Target page size in bytes (small values give many pages per chunk). */
  pageSize: number;
  /** PLAIN everywhere instead of the writer's choice (dictionary pages where they pay). */
  plain: boolean;
}

type Random = () => number;
type Kind = (r: Random) => unknown;

const WORDS = ["alpha", "béta", "γάμμα", "", "naïve café", "日本語", "emoji 🎉", "a,b", "line\nbreak", "  padded "];

/** Column kinds: the schema element (name added later) and a value generator. */
const KINDS: Array<{ element: Omit<SchemaElement, "name"> & { type: string }; value: Kind }> = [
  { element: { type: "INT32" }, value: (r) => Math.floor(r() * 2 ** 32) - 2 ** 31 },
  { element: { type: "INT32" }, value: (r) => Math.floor(r() * 5) },
  { element: { type: "INT32", converted_type: "DATE" }, value: (r) => Math.floor(r() * 60_000) - 20_000 },
  { element: { type: "INT32", converted_type: "UINT_32" }, value: (r) => Math.floor(r() * 2 ** 32) },
  { element: { type: "INT32", converted_type: "DECIMAL", scale: 2, precision: 9 }, value: decimal },
  { element: { type: "INT64" }, value: int64 },
  { element: { type: "INT64", converted_type: "UINT_64" }, value: (r) => BigInt.asUintN(64, int64(r)) },
  { element: { type: "INT64", converted_type: "TIMESTAMP_MILLIS" }, value: (r) => BigInt(instant(r)) },
  { element: { type: "INT64", converted_type: "TIMESTAMP_MICROS" }, value: (r) => BigInt(instant(r)) * 1000n + 7n },
  {
    element: { type: "INT64", logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "NANOS" } },
    value: (r) => BigInt(instant(r)) * 1_000_000n - 999n,
  },
  { element: { type: "FLOAT" }, value: (r) => pick(r, [Math.fround(r() * 1e6 - 5e5), Number.NaN, 0, -0]) },
  { element: { type: "DOUBLE" }, value: double },
  { element: { type: "BOOLEAN" }, value: (r) => r() < 0.3 },
  { element: { type: "BYTE_ARRAY", converted_type: "UTF8" }, value: (r) => pick(r, WORDS) },
  { element: { type: "BYTE_ARRAY", converted_type: "UTF8" }, value: (r) => `id-${Math.floor(r() * 1e9).toString(36)}` },
  { element: { type: "BYTE_ARRAY", converted_type: "UTF8" }, value: oddBytes },
  { element: { type: "BYTE_ARRAY" }, value: (r) => new TextEncoder().encode(pick(r, WORDS)) },
];

function pick<T>(r: Random, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

function decimal(r: Random): number {
  return Math.round(r() * 2e6 - 1e6) / 100;
}

function int64(r: Random): bigint {
  const small = BigInt(Math.floor(r() * 2e6) - 1e6);
  const huge = (BigInt(Math.floor(r() * 2 ** 31)) << 32n) | BigInt(Math.floor(r() * 2 ** 32));
  return pick(r, [small, huge, -huge, 9007199254740993n, -(2n ** 63n), 2n ** 63n - 1n]);
}

/** Epoch milliseconds from 1900 to 2100, some before 1970. */
function instant(r: Random): number {
  return Math.floor(r() * 6.3e12) - 2.2e12;
}

function double(r: Random): number {
  return pick(r, [r() * 1e9 - 5e8, Number.NaN, Number.POSITIVE_INFINITY, -0, 1e-310, Number.MAX_VALUE, 0.1 + 0.2]);
}

/** UTF-8 with a byte-order mark, invalid UTF-8, and a key that decodes like another. */
function oddBytes(r: Random): Uint8Array {
  return pick(r, [
    Uint8Array.of(0xef, 0xbb, 0xbf, 0x61),
    Uint8Array.of(0x61),
    Uint8Array.of(0xff, 0x62),
    Uint8Array.of(0xfe, 0x62),
    Uint8Array.of(0xc3, 0xa9),
  ]);
}

const GZIP_COMPRESSOR = { GZIP: (input: Uint8Array) => new Uint8Array(gzipSync(input)) };

/** The columns of file `seed`: every kind once, each optional or required at random, some with many nulls. */
export function generatedColumns(seed: number, rows: number): { schema: SchemaElement[]; columns: ColumnSource[] } {
  const r = seededRandom(seed);
  const schema: SchemaElement[] = [{ name: "root", num_children: KINDS.length }];
  const columns: ColumnSource[] = KINDS.map((kind, i) => {
    const name = `c${i}_${kind.element.type.toLowerCase()}`;
    const optional = r() < 0.6;
    const nullShare = optional ? pick(r, [0, 0.02, 0.5, 1]) : 0;
    schema.push({ ...kind.element, name, repetition_type: optional ? "OPTIONAL" : "REQUIRED" });
    const data = Array.from({ length: rows }, () => (r() < nullShare ? null : kind.value(r)));
    return { name, data };
  });
  return { schema, columns };
}

/** Write generated file `f`; returns its bytes. */
export async function writeGenerated(f: GeneratedFile): Promise<Uint8Array> {
  const { schema, columns } = generatedColumns(f.seed, f.rows);
  const bytes = new ByteWriter();
  const writer = new ParquetWriter({
    writer: bytes,
    schema,
    codec: f.codec,
    compressors: GZIP_COMPRESSOR,
  });
  // Booleans alternate between RLE (even seeds) and PLAIN pages; other columns take the writer's choice.
  const encodingOf = (i: number): Encoding | undefined => {
    if (f.plain) return "PLAIN";
    return schema[i + 1]?.type === "BOOLEAN" && f.seed % 2 === 0 ? "RLE" : undefined;
  };
  for (let start = 0; start < f.rows; start += f.rowGroupSize) {
    const end = Math.min(f.rows, start + f.rowGroupSize);
    await writer.write({
      columnData: columns.map((c, i) => {
        const encoding = encodingOf(i);
        return { name: c.name, data: c.data.slice(start, end), ...(encoding ? { encoding } : {}) };
      }),
      rowGroupSize: end - start,
      pageSize: f.pageSize,
    });
  }
  await writer.finish();
  return bytes.getBytes().slice();
}
