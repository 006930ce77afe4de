/**
 * The benchmark CSV as Parquet, written by the platform's own writer (hyparquet-writer with
 * `predict`'s column mapping from src/data/write/parquet-columns.ts): one row group per 65,536
 * rows like a `predict` output, data pages v2, dictionary pages where they halve a chunk.
 */
import { closeSync, existsSync, openSync, renameSync, statSync, writeSync } from "node:fs";
import type { CompressionCodec } from "hyparquet";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import type { Table } from "../../src/data/table.js";
import { parquetColumn } from "../../src/data/write/parquet-columns.js";

/** Rows per row group: batch scoring's chunk. */
export const BENCH_ROW_GROUP = 65_536;

/** Write `table` to `path` (skipped when it exists) with `codec`; returns the file's size in bytes. */
export async function writeBenchParquet(
  table: Table,
  path: string,
  codec: CompressionCodec,
  rowGroup = BENCH_ROW_GROUP,
): Promise<number> {
  if (existsSync(path)) return statSync(path).size;
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  try {
    const columns = table.columns.map((c) => parquetColumn(c));
    const bytes = new ByteWriter();
    const drain = () => {
      if (bytes.index > 0) writeSync(fd, bytes.getBytes());
      bytes.index = 0;
    };
    const writer = new ParquetWriter({
      writer: Object.assign(bytes, { flush: drain, finish: drain }),
      schema: [{ name: "root", num_children: columns.length }, ...columns.map((c) => c.element)],
      codec,
    });
    for (let start = 0; start < table.numRows; start += rowGroup) {
      const part = table.slice(start, start + rowGroup);
      await writer.write({
        columnData: columns.map((c, i) => ({ name: c.element.name, data: c.values(part.columns[i] as never) })),
        rowGroupSize: part.numRows,
      });
    }
    await writer.finish();
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return statSync(path).size;
}
