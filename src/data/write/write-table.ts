/**
 * Write a Table as CSV or Parquet to a stream, a chunk of rows at a time (Parquet: one row group
 * per chunk), waiting for the stream to drain, so only one encoded chunk is in memory at once.
 */
import { extname } from "node:path";
import type { Writable } from "node:stream";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { writeChunk } from "../../core/fs/write-chunk.js";
import { VERSION } from "../../version.js";
import type { Table } from "../table.js";
import { cellValue, csvCell } from "./csv-cells.js";
import { parquetColumn } from "./parquet-columns.js";

/** File formats {@link writeTable} writes. */
export type OutputFormat = "csv" | "parquet";

/** The format a path's extension asks for: Parquet for `.parquet`/`.pq`, else CSV. */
export function outputFormatOf(path: string): OutputFormat {
  const ext = extname(path).toLowerCase();
  return ext === ".parquet" || ext === ".pq" ? "parquet" : "csv";
}

/** The media type of a format. */
export function mediaTypeOf(format: OutputFormat): string {
  return format === "parquet" ? "application/vnd.apache.parquet" : "text/csv; charset=utf-8";
}

/** Write `table` to `out` (which the caller ends). */
export async function writeTable(out: Writable, table: Table, format: OutputFormat, chunkRows = 65_536) {
  if (format === "parquet") await writeParquet(out, table, chunkRows);
  else await writeCsv(out, table, chunkRows);
}

async function writeCsv(out: Writable, table: Table, chunkRows: number): Promise<void> {
  await writeChunk(out, `${table.columnNames.map(csvCell).join(",")}\n`);
  const columns = table.columns;
  for (let start = 0; start < table.numRows; start += chunkRows) {
    const end = Math.min(table.numRows, start + chunkRows);
    const lines = new Array<string>(end - start);
    for (let i = start; i < end; i++) lines[i - start] = columns.map((c) => csvCell(cellValue(c, i))).join(",");
    await writeChunk(out, `${lines.join("\n")}\n`);
  }
}

async function writeParquet(out: Writable, table: Table, chunkRows: number): Promise<void> {
  const columns = table.columns.map(parquetColumn);
  const bytes = new ByteWriter();
  // The writer calls flush after each row group and finish at the end: the buffered bytes go to
  // the stream (copied, since the buffer is reused) and the stream gets to drain.
  const drain = async () => {
    if (bytes.index > 0) await writeChunk(out, Buffer.from(bytes.getBytes()));
    bytes.index = 0;
  };
  const writer = new ParquetWriter({
    writer: Object.assign(bytes, { flush: drain, finish: drain }),
    schema: [{ name: "root", num_children: columns.length }, ...columns.map((c) => c.element)],
    createdBy: `modelworks version ${VERSION}`,
  });
  for (let start = 0; start < table.numRows; start += chunkRows) {
    const part = table.slice(start, start + chunkRows);
    const columnData = columns.map((p, j) => ({ name: p.element.name, data: p.values(part.columns[j] as never) }));
    await writer.write({ columnData, rowGroupSize: part.numRows });
  }
  await writer.finish();
}
