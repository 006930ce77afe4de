/**
 * Worker entry: parse one byte range of a shared in-memory CSV buffer, or claim chunks of a file's
 * {@link ChunkPlan}; post the typed columns back (private arrays transferred, shared ones filled in place).
 */
import { closeSync, openSync } from "node:fs";
import { parentPort } from "node:worker_threads";
import { parseChunk } from "./chunk-parser.js";
import type { ChunkBatch, ChunkPlan } from "./chunk-plan.js";
import { parseClaimedChunks } from "./chunk-plan.js";
import type { ChunkColumn, ChunkResult, ParseSpec } from "./chunk-types.js";
import { blockBuffer } from "./stream.js";

/** The message a parse worker receives: a shared buffer's range, or a file's chunk plan. */
export type ParseTask =
  | {
      shared: SharedArrayBuffer;
      length: number;
      start: number;
      end: number;
      spec: ParseSpec;
      firstLine: number;
      estRows: number;
    }
  | { plan: ChunkPlan };

/** The message a parse worker answers with. */
export type ParseReply = { ok: true; result?: ChunkResult; batch?: ChunkBatch } | { ok: false; message: string };

function transferables(columns: ChunkColumn[], out = new Set<ArrayBuffer>()): Set<ArrayBuffer> {
  for (const c of columns) {
    for (const a of [c.values, c.codes, c.nulls, c.dict?.arena, c.dict?.offsets, c.dict?.hashes]) {
      if (a && a.buffer instanceof ArrayBuffer) out.add(a.buffer);
    }
  }
  return out;
}

function runPlan(plan: ChunkPlan): ChunkBatch {
  const fd = openSync(plan.path, "r");
  try {
    const { done, dicts } = parseClaimedChunks(fd, plan, blockBuffer(), true);
    return { done, dicts: dicts ? dicts.map((d) => d?.toBytes(false)) : [] };
  } finally {
    closeSync(fd);
  }
}

parentPort?.on("message", (task: ParseTask) => {
  try {
    if ("plan" in task) {
      const batch = runPlan(task.plan);
      const out = new Set<ArrayBuffer>();
      for (const d of batch.done) transferables(d.columns, out);
      for (const d of batch.dicts)
        for (const a of [d?.arena, d?.offsets, d?.hashes]) if (a) out.add(a.buffer as ArrayBuffer);
      parentPort?.postMessage({ ok: true, batch } satisfies ParseReply, [...out]);
      return;
    }
    const buf = Buffer.from(task.shared, 0, task.length);
    const result = parseChunk(buf, task.start, task.end, task.spec, task.firstLine, task.estRows);
    parentPort?.postMessage({ ok: true, result } satisfies ParseReply, [...transferables(result.columns)]);
  } catch (e) {
    parentPort?.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) } satisfies ParseReply);
  }
});
