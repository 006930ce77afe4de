/** Batch scoring without a server: score a table and write its rows with score and label as CSV. */

import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import type { Table } from "../data/table.js";
import { valueAt } from "../data/table.js";
import type { Predictor } from "../learn/package/load-model.js";

const CHUNK_ROWS = 50_000;

/** Score `table` in chunks and write `out` (temp file + rename); `progress` gets rows done so far. */
export async function scoreToCsv(
  predictor: Predictor,
  table: Table,
  out: string,
  progress: (rowsDone: number, total: number) => void = () => {},
): Promise<{ rows: number }> {
  const sig = predictor.signature;
  const binary = sig.task === "binary";
  const threshold = sig.threshold ?? 0.5;
  const pos = sig.positive_class ?? "1";
  const neg = sig.negative_class ?? (sig.positive_class ? `not ${sig.positive_class}` : "0");
  const tmp = `${out}.tmp-${process.pid}`;
  const file = createWriteStream(tmp);
  try {
    const header = [...table.columnNames, binary ? "probability" : "prediction", ...(binary ? ["label"] : [])];
    await write(file, `${header.map(csvCell).join(",")}\n`);
    for (let start = 0; start < table.numRows; start += CHUNK_ROWS) {
      const part = table.slice(start, start + CHUNK_ROWS);
      const scores = predictor.predict(part);
      const lines: string[] = new Array(part.numRows);
      for (let i = 0; i < part.numRows; i++) {
        const cells = part.columns.map((c) => csvCell(valueAt(c, i)));
        const s = scores[i] as number;
        cells.push(String(s));
        if (binary) cells.push(csvCell(s >= threshold ? pos : neg));
        lines[i] = cells.join(",");
      }
      await write(file, `${lines.join("\n")}\n`);
      progress(Math.min(start + CHUNK_ROWS, table.numRows), table.numRows);
    }
    file.end();
    await once(file, "finish");
    await rename(tmp, out);
    return { rows: table.numRows };
  } catch (e) {
    file.destroy();
    await rm(tmp, { force: true });
    throw e;
  }
}

async function write(file: NodeJS.WritableStream, text: string): Promise<void> {
  if (!file.write(text)) await once(file, "drain");
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
