/**
 * Monitor windows at production log volumes (issue 20): a deployment's prediction log grown to
 * 5 million rows (10 % labelled, spread over 30 days) through the serving process's log writer,
 * then on `up`: a 24-hour and a 30-day window monitor run (time, the server's peak RSS), and the
 * p99 of one-row /invocations at a fixed 1,000 req/s without monitor runs and with 30-day runs
 * looping back to back. Targets (reported, not asserted): 30-day run ≤ 1 s and ≤ 300 MiB;
 * p99 with runs within 1 ms of the p99 without.
 *
 *   node --import tsx bench/volumes/windows.ts [--quick] [--rows 5000000] [--rate 1000] [--seconds 20] [--monitor-cpu 5%] [--home DIR] [--keep] [--no-write]
 *   [--home DIR: measure a home an earlier --keep run grew, skipping the build, training and growth]
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { log, numberArg, parseBenchArgs } from "../serving/lib/args.js";
import type { ChildServer } from "../serving/lib/child-server.js";
import { startChildServer } from "../serving/lib/child-server.js";
import { cliEnv, runCli } from "../serving/lib/cli.js";
import type { SummaryReport } from "../serving/lib/open-loop.js";
import { runOpenLoop } from "../serving/lib/open-loop.js";
import { CLI_ENTRY } from "../serving/lib/paths.js";
import { fixed, int, machineNote, markdownTable, verdict, writeResults } from "../serving/lib/report.js";
import type { BenchHome } from "../serving/lib/setup.js";
import { createDeployment, DEPLOYMENT, MODEL, prepareHome } from "../serving/lib/setup.js";
import { loadTelco } from "../serving/lib/telco.js";
import type { GrowResult } from "./lib/grow-log.js";
import { growLog } from "./lib/grow-log.js";
import { readPeakRssMiB, readRssMiB } from "./lib/peak-rss.js";

const args = parseBenchArgs(["rows", "rate", "seconds", "home", "monitor-cpu"]);
/** `up --monitor-cpu`: the share of a core monitor runs may use while requests flow (default: up's). */
const MONITOR_CPU = args.values["monitor-cpu"] ? ["--monitor-cpu", args.values["monitor-cpu"]] : [];
const ROWS = numberArg(args.values.rows, args.quick ? 50_000 : 5_000_000, "rows");
const RATE = numberArg(args.values.rate, 1000, "rate");
const SECONDS = numberArg(args.values.seconds, args.quick ? 3 : 20, "seconds");
const DAYS = 30;
const TARGET_RUN_S = 1;
const TARGET_RSS_MIB = 300;
const TARGET_P99_DELTA_MS = 1;

const api = (s: ChildServer, path: string) => `${s.url}/api/modelworks/v1${path}`;

async function startUp(home: string): Promise<ChildServer> {
  return startChildServer("up", [...CLI_ENTRY, "up", "--port", "0", "--json", "--no-auth", ...MONITOR_CPU], {
    env: cliEnv(home),
    timeoutMs: 180_000,
  });
}

/** The served model's score of every Telco row: one batch through /invocations. */
async function telcoScores(s: ChildServer): Promise<number[]> {
  const t = loadTelco();
  const res = await fetch(`${s.url}/deployments/${DEPLOYMENT}/invocations`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ dataframe_split: { columns: t.columns, data: t.rows } }),
  });
  if (!res.ok) throw new Error(`scoring the Telco rows: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { predictions: unknown[] };
  return body.predictions.map((p) => {
    if (typeof p === "number") return p;
    const o = p as Record<string, unknown>;
    const v = o.probability ?? o.score ?? o.prediction;
    if (typeof v !== "number") throw new Error(`no score in ${JSON.stringify(p)}`);
    return v;
  });
}

interface RunFigures {
  window: string;
  seconds: number;
  rows: number;
  labelled: number;
  peakRssMiB: number;
  notes: string[];
}

/** Set the monitor's window, run it once through the API, and time it. */
async function timedRun(home: string, s: ChildServer, window: string): Promise<RunFigures> {
  await runCli(home, ["monitor", "set", DEPLOYMENT, "--window", window, "--interval", "24h"]);
  const began = performance.now();
  const res = await fetch(api(s, `/deployments/${DEPLOYMENT}/monitor/run`), { method: "POST" });
  const seconds = (performance.now() - began) / 1000;
  const body = (await res.json()) as {
    results?: { rows: number; labelled_rows: number; notes: string[]; error?: string }[];
  };
  if (!res.ok || !body.results) throw new Error(`monitor run: ${res.status} ${JSON.stringify(body)}`);
  const r = body.results[0];
  if (r?.error) throw new Error(`monitor run failed: ${r.error}`);
  return {
    window,
    seconds,
    rows: r?.rows ?? 0,
    labelled: r?.labelled_rows ?? 0,
    peakRssMiB: readPeakRssMiB(s.pid),
    notes: r?.notes ?? [],
  };
}

async function fixedRate(s: ChildServer, label: string): Promise<SummaryReport> {
  log(`${label}: ${RATE} req/s, 3 s warm-up + ${SECONDS} s measured`);
  return runOpenLoop({
    url: `${s.url}/deployments/${DEPLOYMENT}/invocations`,
    rate: RATE,
    warmupS: 3,
    durationS: SECONDS,
    connections: 32,
    intervalS: SECONDS,
    timeoutMs: 10_000,
  });
}

/** Run the 30-day monitor back to back until `stop` resolves; the number of runs. */
async function loopRuns(s: ChildServer, stop: Promise<unknown>): Promise<number> {
  let done = false;
  void stop.then(() => {
    done = true;
  });
  let runs = 0;
  while (!done) {
    const res = await fetch(api(s, `/deployments/${DEPLOYMENT}/monitor/run`), { method: "POST" });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`monitor run: ${res.status}`);
    runs++;
  }
  return runs;
}

/** A fresh home with the log grown to ROWS rows, or (`--home DIR`) one a previous `--keep` run grew. */
async function grownHome(): Promise<{ bench: BenchHome; grown: GrowResult | undefined }> {
  if (args.values.home) return { bench: { home: args.values.home, versions: [], remove: () => {} }, grown: undefined };
  const bench = await prepareHome(1, log, args.keep);
  try {
    await createDeployment(bench.home);
    const version = bench.versions[0] as string;
    const up = await startUp(bench.home);
    const scores = await telcoScores(up).finally(() => up.stop());
    log(`growing the log to ${int(ROWS)} rows over ${DAYS} days (the serving process's writer, in this process)`);
    const grown = await growLog({
      home: bench.home,
      deployment: DEPLOYMENT,
      model: { name: MODEL, version },
      scores,
      rows: ROWS,
      days: DAYS,
      labelEvery: 10,
      log,
    });
    log(`grown: ${int(grown.rows)} rows, ${int(grown.labels)} labels in ${fixed(grown.seconds, 1)} s`);
    return { bench, grown };
  } catch (e) {
    if (!args.keep) bench.remove();
    throw e;
  }
}

async function main(): Promise<void> {
  const { bench, grown } = await grownHome();
  const servers: ChildServer[] = [];
  try {
    const db = join(bench.home, "modelworks.db");
    const dbBytes = statSync(db).size;
    const up = await startUp(bench.home);
    servers.push(up);
    const idleRss = readRssMiB(up.pid);
    const day = await timedRun(bench.home, up, "24h");
    const month = await timedRun(bench.home, up, "720h");
    log(
      `24 h run ${fixed(day.seconds, 3)} s, 30 d run ${fixed(month.seconds, 3)} s, peak RSS ${fixed(month.peakRssMiB, 0)} MiB`,
    );
    const without = await fixedRate(up, "without monitor runs");
    let stopLoop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => {
      stopLoop = resolve;
    });
    const loop = loopRuns(up, stopped);
    const withRuns = await fixedRate(up, "with 30-day monitor runs looping").finally(stopLoop);
    const runs = await loop;
    const delta = withRuns.latencyMs.p99 - without.latencyMs.p99;
    const lines = [
      `# Monitor windows at ${int(ROWS)} logged rows${args.quick ? " (--quick)" : ""}`,
      "",
      machineNote(),
      "",
      grown
        ? `Log grown through the serving process's writer (SQLite writer thread + aggregator thread, batches of 5,000; the HTTP path stamps rows "now", so it cannot spread them over ${DAYS} days): ${int(grown.rows)} rows, ${int(grown.labels)} labels in ${fixed(grown.seconds, 1)} s (${int(grown.rows / grown.seconds)} rows/s). Database file ${fixed(dbBytes / 2 ** 20, 0)} MiB (${int(dbBytes / grown.rows)} bytes a row, this branch's log encoding).`
        : `Home ${bench.home} grown by an earlier run (--home); database file ${fixed(dbBytes / 2 ** 20, 0)} MiB.`,
      "",
      markdownTable(
        ["window", "run (s)", "rows", "labelled", "server peak RSS (MiB)", "target"],
        [day, month].map((r) => [
          r.window,
          fixed(r.seconds, 3),
          int(r.rows),
          int(r.labelled),
          fixed(r.peakRssMiB, 0),
          r === month ? verdict(r.seconds <= TARGET_RUN_S && r.peakRssMiB <= TARGET_RSS_MIB) : "",
        ]),
      ),
      "",
      `Server RSS before the runs: ${fixed(idleRss, 0)} MiB (peak RSS is the whole up process's high-water mark).`,
      "",
      markdownTable(
        [`one-row /invocations at ${int(RATE)} req/s`, "ok", "p50 (ms)", "p99 (ms)", "max (ms)", "monitor runs"],
        [
          [
            "without monitor runs",
            int(without.ok),
            fixed(without.latencyMs.p50),
            fixed(without.latencyMs.p99),
            fixed(without.latencyMs.max),
            "0",
          ],
          [
            "30-day runs looping",
            int(withRuns.ok),
            fixed(withRuns.latencyMs.p50),
            fixed(withRuns.latencyMs.p99),
            fixed(withRuns.latencyMs.max),
            int(runs),
          ],
        ],
      ),
      "",
      `p99 difference: ${fixed(delta)} ms (target ≤ ${TARGET_P99_DELTA_MS} ms): ${verdict(delta <= TARGET_P99_DELTA_MS)}`,
    ];
    console.log(lines.join("\n"));
    if (args.write) {
      const file = writeResults("volumes-windows", args.quick, {
        rows: ROWS,
        grown,
        dbBytes,
        day,
        month,
        idleRss,
        without,
        withRuns,
        runs,
      });
      log(`results: ${file}`);
    }
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    if (args.keep) log(`kept ${bench.home}`);
    else bench.remove();
  }
}

await main();
