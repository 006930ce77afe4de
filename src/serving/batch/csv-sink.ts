/** Scored rows as CSV: a header, then one line per row; timestamps as ISO 8601 so they read back as timestamps. */
import type { Writable } from "node:stream";
import { writeChunk } from "../../core/fs/write-chunk.js";
import type { Table } from "../../data/table.js";
import { cellValue, csvCell } from "../../data/write/csv-cells.js";
import type { PartScores } from "../../runtimes/part-scores.js";
import type { BatchSink, ScoredLayout } from "./scored-layout.js";
import { chunkInputs, LABEL_COLUMN, labelAt, scoreAt } from "./scored-layout.js";

/** A sink writing CSV to `out` (the header goes out with the first chunk, or at finish for no rows). */
export function csvSink(out: Writable, layout: ScoredLayout): BatchSink {
  const header = [...layout.inputs.map((c) => c.name), ...layout.scoreNames, ...(layout.label ? [LABEL_COLUMN] : [])];
  let headerDone = false;
  const writeHeader = async () => {
    if (headerDone) return;
    headerDone = true;
    await writeChunk(out, `${header.map(csvCell).join(",")}\n`);
  };
  return {
    async write(part: Table, scores: PartScores) {
      await writeHeader();
      const columns = chunkInputs(layout, part);
      const lines: string[] = new Array(part.numRows);
      for (let i = 0; i < part.numRows; i++) {
        const cells = columns.map((c) => csvCell(cellValue(c, i)));
        for (let j = 0; j < layout.scoreNames.length; j++) cells.push(String(scoreAt(layout, scores, i, j)));
        if (layout.label) cells.push(csvCell(labelAt(layout.label, scores, i)));
        lines[i] = cells.join(",");
      }
      if (lines.length) await writeChunk(out, `${lines.join("\n")}\n`);
    },
    finish: writeHeader,
  };
}
