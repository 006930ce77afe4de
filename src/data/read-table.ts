/**
 * One entry point for reading a data file into a {@link Table}: CSV / TSV or Parquet, chosen by
 * the `format` option, else the extension, else the content (Parquet's magic bytes).
 */
import { open } from "node:fs/promises";
import { extname } from "node:path";
import { invalidParam, isMwError } from "../core/errors.js";
import { readCsvBuffer, readCsvFile } from "./csv/read-csv.js";
import { looksLikeParquet, readParquetBuffer, readParquetFile } from "./parquet/read-parquet.js";
import type { LogicalType, Table } from "./table.js";

/** Formats {@link readTable} understands. `tsv` is CSV with a tab delimiter. */
export type TableFormat = "csv" | "tsv" | "parquet";

/** Options for {@link readTable} and {@link readTableFromBuffer}. */
export interface ReadTableOptions {
  /** Declared column types; the others are inferred (CSV) or taken from the file's schema (Parquet). */
  types?: Record<string, LogicalType>;
  format?: TableFormat;
  /** CSV only: one-character delimiter (default `,`, or tab for `.tsv`). */
  delimiter?: string;
}

const BY_EXTENSION: Record<string, TableFormat> = {
  ".csv": "csv",
  ".txt": "csv",
  ".tsv": "tsv",
  ".tab": "tsv",
  ".parquet": "parquet",
  ".pq": "parquet",
};

/** Read a CSV/TSV/Parquet file into a Table; bad input is an INVALID_PARAMETER_VALUE MwError naming file, line, column. */
export async function readTable(path: string, options: ReadTableOptions = {}): Promise<Table> {
  const format = options.format ?? BY_EXTENSION[extname(path).toLowerCase()] ?? (await sniffFile(path));
  try {
    if (format === "parquet") return await readParquetFile(path, { ...options, source: path });
    return await readCsvFile(path, csvOptions(format, options));
  } catch (e) {
    throw asInputError(e, path);
  }
}

/** Read a table from bytes in memory (format from the option, else the content). */
export async function readTableFromBuffer(
  buf: Uint8Array,
  options: ReadTableOptions & { source?: string } = {},
): Promise<Table> {
  const source = options.source ?? "<buffer>";
  const format = options.format ?? (looksLikeParquet(buf) ? "parquet" : "csv");
  if (format === "parquet") return readParquetBuffer(buf, { ...options, source });
  const bytes = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return readCsvBuffer(bytes, { ...csvOptions(format, options), source });
}

function csvOptions(format: TableFormat, options: ReadTableOptions) {
  const delimiter = options.delimiter ?? (format === "tsv" ? "\t" : ",");
  return { delimiter, ...(options.types ? { types: options.types } : {}) };
}

async function sniffFile(path: string): Promise<TableFormat> {
  try {
    const fh = await open(path, "r");
    try {
      const head = Buffer.alloc(4);
      await fh.read(head, 0, 4, 0);
      return head.toString("latin1") === "PAR1" ? "parquet" : "csv";
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw asInputError(e, path);
  }
}

/** File-system failures (missing file, a directory, no permission) become client errors naming the path. */
function asInputError(e: unknown, path: string): unknown {
  if (isMwError(e)) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return invalidParam(`${path}: no such file`);
  if (code === "EISDIR") return invalidParam(`${path}: is a directory, not a data file`);
  if (code === "EACCES" || code === "EPERM") return invalidParam(`${path}: permission denied`);
  if (code === "ERR_FS_FILE_TOO_LARGE") return invalidParam(`${path}: file too large to read into memory`);
  return e;
}
