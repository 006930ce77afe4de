/** Running an export on a worker thread (see export-thread.ts) and pulling its chunks. */
import { MwError } from "../../../core/errors.js";
import { startModuleWorker } from "../../../core/threads/module-worker.js";
import type { ExportPlan } from "./export-plan.js";
import type { ExportFormat } from "./export-sinks.js";
import type { ExportStore, ExportThreadData, ExportThreadMessage } from "./export-thread.js";

/** The export's chunks, made on a worker thread; stopping early (or failing) ends the thread. */
export async function* workerExportChunks(
  store: ExportStore,
  plan: ExportPlan,
  format: ExportFormat,
  progress?: { rows: number },
): AsyncGenerator<Uint8Array> {
  const data: ExportThreadData = { store, plan, format };
  const worker = startModuleWorker(new URL("./export-thread.js", import.meta.url), data);
  const inbox: ExportThreadMessage[] = [];
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  worker.on("message", (m: ExportThreadMessage) => {
    inbox.push(m);
    notify();
  });
  worker.on("error", (e) => {
    failure ??= new MwError("INTERNAL_ERROR", `log export failed: ${e.message}`);
    notify();
  });
  worker.on("exit", (code) => {
    failure ??= new MwError("INTERNAL_ERROR", `log export thread exited with ${code}`);
    notify();
  });
  try {
    for (;;) {
      const m = inbox.shift();
      if (!m) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if ("error" in m) throw new MwError("INTERNAL_ERROR", `log export failed: ${m.error}`);
      if (progress) progress.rows = m.rows;
      if ("done" in m) return;
      yield m.chunk;
      worker.postMessage("more");
    }
  } finally {
    worker.removeAllListeners();
    await worker.terminate();
  }
}
