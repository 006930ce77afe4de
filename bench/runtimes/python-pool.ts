/**
 * The Python runtime's worker pool, one-row calls: requests/s with micro-batching against the MLflow
 * scoring server's architecture (one DataFrame and one predict_proba per request), emulated by the same
 * pool with `maxBatchRows: 1`, so both sides pay the same Node and pipe costs. 64 concurrent callers
 * each send one Telco row after another for `--seconds` (after a 2 s warm-up); the two set-ups
 * alternate (baseline, pool, baseline, pool) and the best round of each is kept. Target (issue 19):
 * the pool ≥ 5 × the baseline. The HTTP-level comparison with `mlflow models serve` comes separately.
 *
 *   node --import tsx bench/runtimes/python-pool.ts [--quick] [--seconds 10] [--callers 64]
 *        [--workers 2] [--python /usr/bin/python3] [--no-write]
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Table } from "../../src/data/table.js";
import type { PythonModel } from "../../src/runtimes/python/python-runtime.js";
import { fixtureRows, loadFixture, SKLEARN_FIXTURES } from "../../src/runtimes/python/test-support/fixtures.js";
import { writeResultsFile } from "../lib/results-file.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const { values } = parseArgs({
  options: {
    quick: { type: "boolean" },
    seconds: { type: "string" },
    callers: { type: "string" },
    workers: { type: "string" },
    python: { type: "string" },
    "no-write": { type: "boolean" },
  },
  strict: true,
});
const positive = (v: string | undefined, fallback: number, name: string) => {
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got '${v}'`);
  return n;
};
const SECONDS = positive(values.seconds, values.quick ? 3 : 10, "seconds");
const CALLERS = positive(values.callers, 64, "callers");
const WORKERS = positive(values.workers, 2, "workers");
const PYTHON = values.python ?? "/usr/bin/python3";
const ROUNDS = values.quick ? 1 : 2;

interface Round {
  requestsPerSecond: number;
  /** Worker calls per request (1 for the baseline). */
  callsPerRequest: number;
  p50Ms: number;
  p99Ms: number;
}

/** `CALLERS` loops of one-row predicts for `seconds`; requests/s and latency. */
async function drive(model: PythonModel, rows: Table[], seconds: number): Promise<Round> {
  const before = model.stats();
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  let next = 0;
  const caller = async () => {
    while (performance.now() < end) {
      const row = rows[next++ % rows.length] as Table;
      const t0 = performance.now();
      await model.predict(row);
      latencies.push(performance.now() - t0);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CALLERS }, caller));
  const elapsed = (performance.now() - t0) / 1000;
  const after = model.stats();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    requestsPerSecond: latencies.length / elapsed,
    callsPerRequest: (after.calls - before.calls) / Math.max(1, after.requests - before.requests),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
  };
}

async function measure(label: string, maxBatchRows: number | undefined, rows: Table[]): Promise<Round> {
  const model = await loadFixture(join(SKLEARN_FIXTURES, "binary"), {
    python: PYTHON,
    workers: WORKERS,
    ...(maxBatchRows ? { maxBatchRows } : {}),
  });
  try {
    await drive(model, rows, values.quick ? 1 : 2);
    const round = await drive(model, rows, SECONDS);
    console.log(
      `${label.padEnd(34)} ${round.requestsPerSecond.toFixed(0).padStart(8)} req/s   p50 ${round.p50Ms.toFixed(2)} ms   p99 ${round.p99Ms.toFixed(2)} ms   ${round.callsPerRequest.toFixed(3)} calls/request`,
    );
    return round;
  } finally {
    await model.close();
  }
}

async function main(): Promise<void> {
  const { table } = fixtureRows("binary");
  const rows = Array.from({ length: table.numRows }, (_, i) => table.slice(i, i + 1));
  console.log(`binary churn pipeline, ${WORKERS} workers (${PYTHON}), ${CALLERS} callers, ${SECONDS} s per round`);
  const baseline: Round[] = [];
  const pool: Round[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    baseline.push(await measure("one predict_proba per request", 1, rows));
    pool.push(await measure("micro-batched pool", undefined, rows));
  }
  const best = (rounds: Round[]) => rounds.reduce((a, b) => (b.requestsPerSecond > a.requestsPerSecond ? b : a));
  const ratio = best(pool).requestsPerSecond / best(baseline).requestsPerSecond;
  console.log(`pool / baseline: ${ratio.toFixed(1)} × (target ≥ 5 ×)`);
  if (values["no-write"]) return;
  const path = join(ROOT, "bench", "runtimes", "results", `python-pool${values.quick ? "-quick" : ""}.json`);
  const doc = {
    bench: "runtimes/python-pool",
    when: new Date().toISOString(),
    settings: { seconds: SECONDS, callers: CALLERS, workers: WORKERS, python: PYTHON, rounds: ROUNDS },
    baseline,
    pool,
    ratio,
  };
  console.log(`wrote ${writeResultsFile(ROOT, path, doc)}`);
}

await main();
