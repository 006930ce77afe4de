/**
 * Scored rows as Parquet, one row group per scored chunk: hyparquet-writer's ParquetWriter appends
 * row groups incrementally, so only the current chunk's encoded bytes are held in memory.
 */
import type { Writable } from "node:stream";
import type { SchemaElement } from "hyparquet-writer";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { writeChunk } from "../../core/fs/write-chunk.js";
import type { Column, Table } from "../../data/table.js";
import { parquetColumn } from "../../data/write/parquet-columns.js";
import type { PartScores } from "../../runtimes/part-scores.js";
import { VERSION } from "../../version.js";
import type { BatchSink, ScoredLayout } from "./scored-layout.js";
import { chunkInputs, LABEL_COLUMN, labelAt, scoreAt } from "./scored-layout.js";

/** A sink writing Parquet to `out`; `table` is the whole input, scanned once to fix the int columns' types. */
export function parquetSink(out: Writable, layout: ScoredLayout, table: Table): BatchSink {
  const inputs = layout.inputs.map((c) => parquetColumn(table.column(c.name) as Column));
  const label = layout.label;
  // Class names are text; a binary label without class names is 1/0.
  const textLabel = label?.kind === "top-class" || typeof label?.positive === "string";
  const labelElement: SchemaElement = textLabel
    ? { name: LABEL_COLUMN, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" }
    : { name: LABEL_COLUMN, type: "INT64", repetition_type: "REQUIRED" };
  const scoreElements: SchemaElement[] = layout.scoreNames.map((name) => ({
    name,
    type: "DOUBLE",
    repetition_type: "REQUIRED",
  }));
  const leaves = [...inputs.map((c) => c.element), ...scoreElements, ...(label ? [labelElement] : [])];
  const bytes = new ByteWriter();
  // The writer calls flush after each row group and finish at the end: both hand the buffered
  // bytes to the stream (copied, since the buffer is reused) and wait for it to drain.
  const drain = async () => {
    if (bytes.index > 0) await writeChunk(out, Buffer.from(bytes.getBytes()));
    bytes.index = 0;
  };
  const writer = new ParquetWriter({
    writer: Object.assign(bytes, { flush: drain, finish: drain }),
    schema: [{ name: "root", num_children: leaves.length }, ...leaves],
    createdBy: `modelworks version ${VERSION}`,
  });
  return {
    async write(part: Table, scores: PartScores) {
      if (part.numRows === 0) return;
      const columns = chunkInputs(layout, part);
      const columnData = inputs.map((p, i) => ({
        name: p.element.name,
        data: p.values(columns[i] as Column),
      }));
      const rows = part.numRows;
      layout.scoreNames.forEach((name, j) => {
        columnData.push({ name, data: Array.from({ length: rows }, (_, i) => scoreAt(layout, scores, i, j)) });
      });
      if (label) {
        const labels = Array.from({ length: rows }, (_, i) => labelAt(label, scores, i));
        columnData.push({ name: LABEL_COLUMN, data: textLabel ? labels : labels.map((l) => BigInt(l)) });
      }
      await writer.write({ columnData, rowGroupSize: part.numRows });
    },
    finish: async () => {
      await writer.finish();
    },
  };
}
