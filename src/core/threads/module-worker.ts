/**
 * Worker threads running one of our modules, from sources (tests, `tsx`) or from `dist/`: workers
 * do not inherit a TypeScript loader, so from sources the worker registers tsx first.
 */
import { Worker } from "node:worker_threads";

/**
 * Start a worker on the module at `url` (pass `new URL("./x.js", import.meta.url)`: the `.js`
 * is swapped for `.ts` when the caller runs from sources).
 */
export function startModuleWorker(url: URL, workerData?: unknown): Worker {
  const fromSource = new URL(import.meta.url).pathname.endsWith(".ts");
  if (!fromSource) return new Worker(url, { workerData });
  const source = new URL(url.href.replace(/\.js$/, ".ts"));
  const api = JSON.stringify(import.meta.resolve("tsx/esm/api"));
  const boot = `import(${api}).then((m) => { m.register(); return import(${JSON.stringify(source.href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
