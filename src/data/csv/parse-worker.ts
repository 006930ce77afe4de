/** Worker entry: parse one byte range of a shared CSV buffer and post the typed columns back (transferred). */
import { parentPort } from "node:worker_threads";
import type { ChunkResult, ParseSpec } from "./chunk-parser.js";
import { parseChunk } from "./chunk-parser.js";

/** The message a parse worker receives. */
export interface ParseTask {
  shared: SharedArrayBuffer;
  length: number;
  start: number;
  end: number;
  spec: ParseSpec;
  firstLine: number;
  estRows: number;
}

/** The message a parse worker answers with. */
export type ParseReply = { ok: true; result: ChunkResult } | { ok: false; message: string };

function transferables(r: ChunkResult): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const c of r.columns) {
    for (const a of [c.values, c.codes, c.nulls, c.dict?.arena, c.dict?.offsets]) {
      if (a && a.buffer instanceof ArrayBuffer) out.add(a.buffer);
    }
  }
  return [...out];
}

parentPort?.on("message", (task: ParseTask) => {
  try {
    const buf = Buffer.from(task.shared, 0, task.length);
    const result = parseChunk(buf, task.start, task.end, task.spec, task.firstLine, task.estRows);
    parentPort?.postMessage({ ok: true, result } satisfies ParseReply, transferables(result));
  } catch (e) {
    parentPort?.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) } satisfies ParseReply);
  }
});
