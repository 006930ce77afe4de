/**
 * Batch scoring over HTTP: 10,000 Telco rows in one `/invocations` request (dataframe_split),
 * repeated sequentially, against a deployment with prediction logging off (sampling 0) and one that
 * logs every row (sampling 1). Reports rows/s and ms per request (including the client receiving
 * the whole response). Exits 1 if a server crashed or a request failed.
 *
 *   node --import tsx bench/serving/batch.ts [--quick] [--rows 10000] [--repeats 20] [--no-deployment] [--keep] [--no-write]
 */
import { setTimeout as sleep } from "node:timers/promises";
import { log, numberArg, parseBenchArgs } from "./lib/args.js";
import type { ChildServer } from "./lib/child-server.js";
import type { LatencyStats } from "./lib/latency-stats.js";
import { latencyStats } from "./lib/latency-stats.js";
import { checkInvocation, describeLogMetrics, predictionLogMetrics } from "./lib/probe.js";
import { fixed, int, machineNote, markdownTable, writeResults } from "./lib/report.js";
import { createDeployment, DEPLOYMENT, finishBench, prepareHome, startModelServer } from "./lib/setup.js";
import { splitBody } from "./lib/telco.js";

const args = parseBenchArgs(["rows", "repeats"]);
const ROWS = numberArg(args.values.rows, 10_000, "rows");
const REPEATS = numberArg(args.values.repeats, args.quick ? 3 : 20, "repeats");
const WARMUP = args.quick ? 1 : 2;
const NO_LOG = "churn-bench-nolog";

interface BatchResult {
  server: string;
  /** How the prediction log was configured. */
  logging: string;
  answered: string;
  ms: LatencyStats;
  meanMs: number;
  rowsPerSecond: number;
  rssMiB: number;
  predictionLog?: Record<string, number>;
  failure?: string;
}

/** POST the body once; resolves to the wall time in ms, or throws on a bad answer. */
async function post(url: string, body: string, authorization?: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${url}/invocations`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body,
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`answered ${res.status}: ${text.slice(0, 300)}`);
  const n = (JSON.parse(text) as { predictions?: unknown[] }).predictions?.length;
  if (n !== ROWS) throw new Error(`answered ${n} predictions for ${ROWS} rows`);
  return ms;
}

/** Wait (up to 15 s) for the prediction-log queue to empty, then read the log's series. */
async function settledLogMetrics(url: string): Promise<Record<string, number> | undefined> {
  let m = await predictionLogMetrics(url);
  for (let i = 0; i < 30 && m && (m.queue_rows ?? 0) > 0; i++) {
    await sleep(500);
    m = await predictionLogMetrics(url);
  }
  return m;
}

async function measure(server: ChildServer, body: string): Promise<Omit<BatchResult, "logging">> {
  const answered = await checkInvocation(server.url, server.authorization);
  log(`${server.label}: ${WARMUP} warm-up + ${REPEATS} requests of ${int(ROWS)} rows`);
  const samples: number[] = [];
  let failure: string | undefined;
  try {
    for (let i = 0; i < WARMUP; i++) await post(server.url, body, server.authorization);
    for (let i = 0; i < REPEATS; i++) samples.push(await post(server.url, body, server.authorization));
  } catch (e) {
    failure = (e as Error).message;
  }
  const ms = latencyStats(samples);
  const meanMs = samples.reduce((a, b) => a + b, 0) / samples.length;
  return {
    server: server.label,
    answered,
    ms,
    meanMs,
    rowsPerSecond: ROWS / (ms.p50 / 1000),
    rssMiB: server.rssMiB(),
    predictionLog: server.crashed() ? undefined : await settledLogMetrics(server.url),
    ...(failure ? { failure } : {}),
  };
}

/** Create deployment `name` with log sampling `sampling` and serve it. */
async function startDeployment(home: string, name: string, sampling: number): Promise<ChildServer> {
  await createDeployment(home, name, sampling);
  return startModelServer(home, "deployment", name);
}

async function main(): Promise<number> {
  const notes = [machineNote()];
  const bench = await prepareHome(1, log, args.keep);
  const servers: ChildServer[] = [];
  try {
    const body = splitBody(ROWS);
    // Same server code both ways; only the deployment's log sampling differs (0, then 1).
    const variants: [string, () => Promise<ChildServer>][] =
      args.mode === "deployment"
        ? [
            ["off (sampling 0)", () => startDeployment(bench.home, NO_LOG, 0)],
            ["on (sampling 1)", () => startDeployment(bench.home, DEPLOYMENT, 1)],
          ]
        : [["as `serve` defaults", () => startModelServer(bench.home, "model")]];
    const results: BatchResult[] = [];
    for (const [logging, start] of variants) {
      const server = await start();
      servers.push(server);
      results.push({ ...(await measure(server, body)), logging });
    }
    const crashed = servers.filter((s) => s.crashed());

    console.log(`\n## bench/serving/batch${args.quick ? " (--quick: few repeats, figures indicative only)" : ""}\n`);
    console.log(
      markdownTable(
        [
          "server",
          "prediction log",
          "rows/request",
          "requests",
          "p50 ms",
          "mean ms",
          "min ms",
          "max ms",
          "rows/s (p50)",
        ],
        results.map((r) => [
          `${r.server} (${r.answered})`,
          r.logging,
          int(ROWS),
          r.failure ? `${r.ms.count} (FAILED: ${r.failure})` : int(r.ms.count),
          fixed(r.ms.p50, 1),
          fixed(r.meanMs, 1),
          fixed(r.ms.min, 1),
          fixed(r.ms.max, 1),
          int(r.rowsPerSecond),
        ]),
      ),
    );
    notes.push(
      `One request = ${int(ROWS)} Telco rows as dataframe_split (${fixed(Buffer.byteLength(body) / 1e6)} MB of JSON), sent sequentially ` +
        `after ${WARMUP} warm-up request(s); time = send to last response byte (fetch, same machine).`,
    );
    for (const r of results)
      notes.push(
        `${r.server}: RSS after ${fixed(r.rssMiB, 1)} MiB; prediction log after draining: ${describeLogMetrics(r.predictionLog)}.`,
      );
    if (args.mode === "model") notes.push("--no-deployment: one plain `serve churn@champion`, logging as it defaults.");
    for (const s of crashed)
      notes.push(`**${s.label} CRASHED (${s.crashed()}):** ${s.stderrTail().trim().slice(-500)}`);
    console.log(`\n${notes.map((n) => `- ${n}`).join("\n")}`);
    if (args.write)
      log(`wrote ${writeResults("batch", args.quick, { mode: args.mode, rows: ROWS, repeats: REPEATS, results })}`);
    return crashed.length > 0 || results.some((r) => r.failure) ? 1 : 0;
  } finally {
    await finishBench(servers, bench, args.keep, log);
  }
}

process.exitCode = await main();
