/**
 * The fallback for one column of one row group: hyparquet decodes it into JS values (every codec
 * and encoding it knows, through hyparquet-compressors), which the sink converts as the hyparquet
 * reader always has. Byte strings stay bytes, so the sink keys them like the fast path does.
 */
import type { AsyncBuffer, FileMetaData } from "hyparquet";
import { parquetRead } from "hyparquet";
import { compressors } from "hyparquet-compressors";
import type { ColumnSink } from "./column-sink.js";

/** Where one row group's column goes: file rows [groupStart, groupStart + rows) → sink rows from `sinkRow`. */
export interface FallbackChunk {
  file: AsyncBuffer;
  metadata: FileMetaData;
  sink: ColumnSink;
  groupStart: number;
  rows: number;
  sinkRow: number;
}

/** Read the chunk through hyparquet; rows it does not return stay missing, as they always were. */
export async function readChunkWithHyparquet(c: FallbackChunk): Promise<void> {
  const { sink, groupStart, rows, sinkRow } = c;
  const groupEnd = groupStart + rows;
  sink.setNulls(sinkRow, sinkRow + rows);
  await parquetRead({
    file: c.file,
    metadata: c.metadata,
    columns: [sink.plan.name],
    rowStart: groupStart,
    rowEnd: groupEnd,
    compressors,
    parsers: { stringFromBytes: (bytes: Uint8Array) => bytes },
    onChunk: (chunk) => {
      if (chunk.columnName !== sink.plan.name) return;
      const data = chunk.columnData as ArrayLike<unknown>;
      for (let i = 0; i < data.length; i++) {
        const row = chunk.rowStart + i;
        if (row >= groupStart && row < groupEnd) sink.setValue(sinkRow + row - groupStart, data[i]);
      }
    },
  });
}
