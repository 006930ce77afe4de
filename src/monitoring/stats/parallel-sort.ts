/**
 * Sorting many large numeric columns on two cores: this thread sorts some while one worker thread
 * sorts the others. Sorting is most of a large drift report's time (15 columns of 1M values take
 * ≈ 40 ms each with the radix sort), and the columns are independent. Values are copied (finite
 * ones only, as {@link sortedSample} keeps them) into shared memory, so the worker sorts in place
 * and nothing is copied back.
 */
import { Worker } from "node:worker_threads";
import { sortedSample } from "./sample.js";
import { radixSortSource } from "./sort.js";

/** Below this many values in all, a worker's round trip costs more than it saves. */
const PARALLEL_MIN = 200_000;

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, (kept: number | undefined) => void>();

function sortWorker(): Worker {
  if (worker) return worker;
  const source = `
const { parentPort } = require("node:worker_threads");
${radixSortSource()}
parentPort.on("message", (m) => {
  const a = new Float64Array(m.buffer, 0, m.length);
  let kept = 0;
  for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i])) a[kept++] = a[i];
  radixSortFloat64(a.subarray(0, kept));
  parentPort.postMessage({ id: m.id, kept });
});`;
  // Plain JavaScript: no loader hooks (e.g. tsx) are needed, and they would keep the process alive.
  const w = new Worker(source, { eval: true, execArgv: [] });
  w.on("message", (m: { id: number; kept: number }) => {
    waiting.get(m.id)?.(m.kept);
    waiting.delete(m.id);
    if (waiting.size === 0) w.unref();
  });
  w.on("error", () => {
    // A broken worker fails the calls waiting on it; the next call starts a new one.
    worker = undefined;
    for (const done of waiting.values()) done(undefined);
    waiting.clear();
  });
  // Idle, it must not keep the process alive (unref after the listeners: adding a "message"
  // listener refs the port again); while sorting it must, or an awaiting caller is left hanging.
  w.unref();
  worker = w;
  return w;
}

/** Each column's finite values, sorted ascending (as {@link sortedSample}), using a worker for half the work. */
export async function sortedSamples(columns: readonly Float64Array[]): Promise<Float64Array[]> {
  let total = 0;
  for (const c of columns) total += c.length;
  if (columns.length < 2 || total < PARALLEL_MIN) return columns.map((c) => sortedSample(c));
  // Largest first, alternating, so both threads get about half the values.
  const order = columns
    .map((_, i) => i)
    .sort((a, b) => (columns[b] as Float64Array).length - (columns[a] as Float64Array).length);
  const out: Float64Array[] = new Array(columns.length);
  const mine: number[] = [];
  const theirs: Promise<void>[] = [];
  let mineSize = 0;
  let theirSize = 0;
  for (const i of order) {
    const c = columns[i] as Float64Array;
    if (theirSize <= mineSize) {
      theirs.push(
        sortInWorker(c).then((sorted) => {
          out[i] = sorted;
        }),
      );
      theirSize += c.length;
    } else {
      mine.push(i);
      mineSize += c.length;
    }
  }
  for (const i of mine) out[i] = sortedSample(columns[i] as Float64Array);
  await Promise.all(theirs);
  return out;
}

/** The worker filters and sorts a shared copy in place (a memcpy here; no second pass on this thread). */
function sortInWorker(values: Float64Array): Promise<Float64Array> {
  const shared = new Float64Array(new SharedArrayBuffer(values.length * 8));
  shared.set(values);
  const id = nextId++;
  return new Promise<number | undefined>((resolve) => {
    waiting.set(id, resolve);
    const w = sortWorker();
    w.ref();
    w.postMessage({ id, buffer: shared.buffer, length: shared.length });
  }).then((kept) =>
    // A worker that died sorted nothing: do it here.
    kept === undefined ? sortedSample(values) : shared.subarray(0, kept),
  );
}
