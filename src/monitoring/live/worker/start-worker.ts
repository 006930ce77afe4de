/** Starting a worker thread from a TypeScript module (under tsx) or its compiled JavaScript. */
import { Worker } from "node:worker_threads";

/** Start the worker module `name` (a sibling file, without extension) with `workerData`. */
export function startWorker(name: string, workerData: unknown): Worker {
  const fromSource = import.meta.url.endsWith(".ts");
  const url = new URL(`./${name}${fromSource ? ".ts" : ".js"}`, import.meta.url);
  if (!fromSource) return new Worker(url, { workerData });
  // Workers do not inherit a TypeScript loader: register tsx first.
  const api = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const boot = `import(${api}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
