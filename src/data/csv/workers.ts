/** Starting CSV parse workers and running one task on each. */
import { Worker } from "node:worker_threads";
import { MwError } from "../../core/errors.js";
import type { ChunkResult } from "./chunk-types.js";
import type { ParseReply, ParseTask } from "./parse-worker.js";

const FROM_SOURCE = import.meta.url.endsWith(".ts");
const WORKER_URL = new URL(FROM_SOURCE ? "./parse-worker.ts" : "./parse-worker.js", import.meta.url);

/** Workers do not inherit a TypeScript loader, so when running from sources the worker registers tsx first. */
export function startWorker(): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL);
  const api = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const boot = `import(${api}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`;
  return new Worker(boot, { eval: true });
}

type ParseOk = Extract<ParseReply, { ok: true }>;

/** Run one task on a started worker, which is terminated once it answers (or fails). */
export function runTask(w: Worker, task: ParseTask): Promise<ParseOk> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      void w.terminate();
      fn();
    };
    w.once("message", (m: ParseReply) =>
      settle(() => (m.ok ? resolve(m) : reject(new MwError("INTERNAL_ERROR", `CSV worker: ${m.message}`)))),
    );
    w.once("error", (e) => settle(() => reject(new MwError("INTERNAL_ERROR", "CSV worker failed", { cause: e }))));
    w.once("exit", (code) => settle(() => reject(new MwError("INTERNAL_ERROR", `CSV worker exited with ${code}`))));
    w.postMessage(task);
  });
}

/** Start a worker and run one task on it. */
export async function runWorker(task: ParseTask): Promise<ChunkResult> {
  const reply = await runTask(startWorker(), task);
  if (!reply.result) throw new MwError("INTERNAL_ERROR", "CSV worker sent no result");
  return reply.result;
}
