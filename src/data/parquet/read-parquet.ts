/**
 * Parquet → Table. Column chunks are decoded straight into the Table's typed arrays and
 * dictionaries, row group by row group (see parquet-reader.ts); a file is read by range, so
 * memory is the Table plus one column chunk. {@link openParquetFile} streams row groups.
 */
import type { Table } from "../table.js";
import { bufferSource, fileSource } from "./byte-source.js";
import type { ParquetReadOptions } from "./parquet-reader.js";
import { ParquetReader } from "./parquet-reader.js";

export type { ParquetReadOptions } from "./parquet-reader.js";
export { looksLikeParquet, ParquetReader } from "./parquet-reader.js";

/** Open a Parquet file for reading by row group (`rowGroups()`) or whole (`readAll()`); close it when done. */
export async function openParquetFile(path: string, options: ParquetReadOptions = {}): Promise<ParquetReader> {
  return ParquetReader.open(await fileSource(path), { source: path, ...options });
}

/** Read a Parquet file into a Table (flat schemas only). */
export async function readParquetFile(path: string, options: ParquetReadOptions = {}): Promise<Table> {
  const reader = await openParquetFile(path, options);
  try {
    return await reader.readAll();
  } finally {
    await reader.close();
  }
}

/** Read Parquet bytes into a Table (flat schemas only). */
export async function readParquetBuffer(buf: Uint8Array, options: ParquetReadOptions = {}): Promise<Table> {
  const reader = await ParquetReader.open(bufferSource(buf), options);
  return reader.readAll();
}
