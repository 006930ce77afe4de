/**
 * Batch scoring without a server: score a table in chunks and write its rows with the scores and
 * label (binary: probability + label; regression: prediction; multiclass: a probability per class +
 * label) as CSV or Parquet. Each chunk is written as soon as it is scored (a Parquet row group per
 * chunk), so the output side holds one chunk at a time; the input table itself is in memory.
 */
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { extname } from "node:path";
import { finished } from "node:stream/promises";
import { invalidParam } from "../core/errors.js";
import type { Table } from "../data/table.js";
import { partScores } from "../runtimes/part-scores.js";
import type { LoadedModel } from "../runtimes/runtime.js";
import { csvSink } from "./batch/csv-sink.js";
import { parquetSink } from "./batch/parquet-sink.js";
import { scoredLayout } from "./batch/scored-layout.js";

export const OUTPUT_FORMATS = ["csv", "parquet"] as const;
/** A format batch scoring writes. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Rows per scored chunk, and so per Parquet row group. */
export const CHUNK_ROWS = 65_536;

const BY_EXTENSION: Record<string, OutputFormat> = { ".csv": "csv", ".parquet": "parquet", ".pq": "parquet" };

/** The output format a file name implies, or undefined for an unknown extension. */
export function outputFormatFromPath(path: string): OutputFormat | undefined {
  return BY_EXTENSION[extname(path).toLowerCase()];
}

/** Options for {@link scoreToFile}. */
export interface ScoreToFileOptions {
  format: OutputFormat;
  /** Called after each chunk with the rows written so far. */
  progress?: (rowsDone: number, total: number) => void;
  chunkRows?: number;
}

/** Score `table` chunk by chunk into `out` (a temp file renamed into place, so no half-written output). */
export async function scoreToFile(
  predictor: LoadedModel,
  table: Table,
  out: string,
  options: ScoreToFileOptions,
): Promise<{ rows: number; format: OutputFormat }> {
  const chunkRows = options.chunkRows ?? CHUNK_ROWS;
  const layout = scoredLayout(predictor, table);
  const tmp = `${out}.tmp-${process.pid}`;
  const file = createWriteStream(tmp);
  // A listener keeps a later write error (disk full) from crashing the process; writes then reject.
  file.on("error", () => {});
  try {
    await once(file, "open").catch((e: NodeJS.ErrnoException) => {
      throw invalidParam(`${out}: cannot write the output (${e.code ?? e.message})`);
    });
    const sink = options.format === "parquet" ? parquetSink(file, layout, table) : csvSink(file, layout);
    for (let start = 0; start < table.numRows; start += chunkRows) {
      const part = table.slice(start, start + chunkRows);
      await sink.write(part, partScores(predictor, await predictor.predict(part), part.numRows));
      options.progress?.(start + part.numRows, table.numRows);
    }
    await sink.finish();
    file.end();
    await finished(file);
    await rename(tmp, out).catch((e: NodeJS.ErrnoException) => {
      throw invalidParam(`${out}: cannot replace it with the output (${e.code ?? e.message})`);
    });
    return { rows: table.numRows, format: options.format };
  } catch (e) {
    file.destroy();
    await rm(tmp, { force: true });
    throw e;
  }
}
