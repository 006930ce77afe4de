import { Worker } from "node:worker_threads";
import { buildHistogram } from "./build-histogram.js";

/** A node's rows: `idx[start..end)`. */
export interface RowRange {
  start: number;
  end: number;
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const buildHistogram = ${buildHistogram.toString()};
const { cols } = workerData;
const bins = new Uint8Array(workerData.bins);
const gh = new Float32Array(workerData.gh);
const idx = new Int32Array(workerData.idx);
parentPort.on("message", (m) => {
  const out = new Float64Array(m.out);
  const feats = new Int32Array(m.feats);
  for (let k = 0; k < m.ranges.length; k += 2) {
    buildHistogram(bins, cols, gh, idx, m.ranges[k], m.ranges[k + 1], feats, out, (k / 2) * cols * 512);
  }
  parentPort.postMessage(0);
});
`;

interface PoolWorker {
  worker: Worker;
  out: SharedArrayBuffer;
  settle: ((err?: unknown) => void) | null;
}

/**
 * Builds node histograms, splitting each node's rows across the calling thread and `threads - 1`
 * workers that share the bins, gradients and row index (partials are summed in a fixed order,
 * so results are deterministic for a given thread count).
 */
export class HistogramPool {
  private readonly workers: PoolWorker[] = [];
  private readonly stride: number;

  constructor(
    threads: number,
    private readonly bins: Uint8Array,
    private readonly cols: number,
    private readonly gh: Float32Array,
    private readonly idx: Int32Array,
  ) {
    this.stride = cols * 512;
    const workerData = { cols, bins: bins.buffer, gh: gh.buffer, idx: idx.buffer };
    for (let t = 1; t < threads; t++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
      const w: PoolWorker = { worker, out: new SharedArrayBuffer(0), settle: null };
      worker.on("message", () => w.settle?.());
      worker.on("error", (err) => w.settle?.(err));
      this.workers.push(w);
    }
  }

  /** One histogram per node (Float64Array of `cols * 512`). */
  async build(nodes: readonly RowRange[], feats: Int32Array): Promise<Float64Array[]> {
    const parts = this.workers.length + 1;
    const hists = nodes.map(() => new Float64Array(this.stride));
    const slice = (n: RowRange, t: number) => {
      const chunk = Math.ceil((n.end - n.start) / parts);
      return [Math.min(n.end, n.start + t * chunk), Math.min(n.end, n.start + (t + 1) * chunk)] as const;
    };
    const pending = this.workers.map((w, i) => this.dispatch(w, nodes, feats, (n) => slice(n, i + 1)));
    nodes.forEach((n, k) => {
      const [s, e] = slice(n, 0);
      buildHistogram(this.bins, this.cols, this.gh, this.idx, s, e, feats, hists[k] as Float64Array, 0);
    });
    await Promise.all(pending);
    for (const w of this.workers) {
      const out = new Float64Array(w.out);
      hists.forEach((h, k) => {
        const base = k * this.stride;
        for (let i = 0; i < h.length; i++) h[i] = (h[i] as number) + (out[base + i] as number);
      });
    }
    return hists;
  }

  private dispatch(
    w: PoolWorker,
    nodes: readonly RowRange[],
    feats: Int32Array,
    slice: (n: RowRange) => readonly [number, number],
  ): Promise<void> {
    const bytes = nodes.length * this.stride * 8;
    if (w.out.byteLength < bytes) w.out = new SharedArrayBuffer(bytes);
    const ranges = nodes.flatMap((n) => [...slice(n)]);
    return new Promise((resolve, reject) => {
      w.settle = (err) => {
        w.settle = null;
        if (err) reject(err);
        else resolve();
      };
      w.worker.postMessage({ out: w.out, feats: feats.slice().buffer, ranges });
    });
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}

/** A typed array of `length` elements backed by shared memory when threads will read it. */
export function sharedArray<T>(ctor: new (b: ArrayBufferLike) => T, bytesPer: number, length: number, shared: boolean) {
  return new ctor(shared ? new SharedArrayBuffer(bytesPer * length) : new ArrayBuffer(bytesPer * length));
}
