/** In-process scoring loops for the runtime benches: a scorer called back to back for a while. */
import type { Table } from "../../../src/data/table.js";

/** One scoring call on a table (sync or async). */
export type Score = (t: Table) => Promise<unknown> | unknown;

/** What a loop measured: calls and rows per second, p50 and p99 latency in ms. */
export interface DriveResult {
  callsPerSecond: number;
  rowsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** Calls of `score` on `tables` (round robin) for `seconds`. */
export async function driveScorer(score: Score, tables: Table[], seconds: number): Promise<DriveResult> {
  const latencies: number[] = [];
  let rows = 0;
  const end = performance.now() + seconds * 1000;
  const t0 = performance.now();
  for (let i = 0; performance.now() < end; i++) {
    const t = tables[i % tables.length] as Table;
    const s = performance.now();
    await score(t);
    latencies.push(performance.now() - s);
    rows += t.numRows;
  }
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { callsPerSecond: latencies.length / elapsed, rowsPerSecond: rows / elapsed, p50Ms: at(0.5), p99Ms: at(0.99) };
}
