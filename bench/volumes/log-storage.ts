/**
 * Bounded storage at volume, on an embedded SQLite home:
 *  1. bytes per logged Telco row (the request's columns, score, label, 16-byte request id, 10 %
 *     labelled by feedback, the dictionary, every index) — target ≤ 150;
 *  2. retention deleting a whole day of rows while `serve --deployment` takes one-row
 *     `/invocations` at a fixed rate (logged) — target: no request over 50 ms;
 *  3. monitor status (config, latest result per version, 20 newest, firing alerts: what
 *     `GET .../monitor` reads) with 100,000 stored results — target ≤ 20 ms; the ranking query it
 *     replaced is timed beside it.
 * Retention is `up`'s own (`--retention-every 15s`): its deletes run on the log writer's thread,
 * between the inserts of the traffic being measured.
 *
 *   node --import tsx bench/volumes/log-storage.ts [--quick] [--rows N] [--rate R] [--keep] [--no-write]
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { Database } from "../../src/core/db/database.js";
import { migrate } from "../../src/core/db/migrate.js";
import { openSqlite } from "../../src/core/db/sqlite/sqlite-database.js";
import { monitoringMigrations } from "../../src/monitoring/migrations.js";
import type { PredictionRecord } from "../../src/serving/prediction-log/prediction-log-store.js";
import { SqlPredictionLogStore } from "../../src/serving/prediction-log/sql/sql-prediction-log-store.js";
import { newRequestId } from "../../src/serving/scoring/request-id.js";
import { log, numberArg, parseBenchArgs } from "../serving/lib/args.js";
import { startChildServer } from "../serving/lib/child-server.js";
import { cliEnv, runCli } from "../serving/lib/cli.js";
import type { IntervalReport } from "../serving/lib/open-loop.js";
import { runOpenLoop } from "../serving/lib/open-loop.js";
import { CLI_ENTRY } from "../serving/lib/paths.js";
import { fixed, int, machineNote, markdownTable, verdict } from "../serving/lib/report.js";
import { createDeployment, DEPLOYMENT, prepareHome } from "../serving/lib/setup.js";
import { telcoRecord } from "../serving/lib/telco.js";
import { monitorStatusTimes } from "./lib/monitor-results.js";
import { logBytes, writeVolumeResults } from "./lib/sqlite-size.js";

const DAY = 86_400_000;
const TARGETS = { bytesPerRow: 150, maxRequestMs: 50, statusMs: 20 };
const args = parseBenchArgs(["rows", "rate"]);
/** Rows in each of the two logged days (the one retention deletes and the one it keeps). */
const ROWS_PER_DAY = numberArg(args.values.rows, args.quick ? 50_000 : 500_000, "rows");
const RATE = numberArg(args.values.rate, args.quick ? 200 : 1000, "rate");
const RESULTS = args.quick ? 20_000 : 100_000;
/** `up --retention-every`: its first pass comes this long after it listens (inside the measured load). */
const RETENTION_AFTER_S = 15;

/** Rows of `day` (its start) as serving logs them: one-row requests, spread over the day. */
function dayRecords(day: number, from: number, n: number, total: number): PredictionRecord[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const score = ((i * 2654435761) % 1000) / 1000;
    return {
      deployment: DEPLOYMENT,
      requestId: "",
      row: 0,
      variant: "primary" as const,
      shadow: false,
      modelName: "churn",
      modelVersion: "1",
      inputs: JSON.stringify(telcoRecord(i)),
      score,
      label: score >= 0.5 ? "Yes" : "No",
      time: day + Math.floor((i / total) * DAY),
      latencyMs: 0.4 + (i % 7) / 10,
    };
  }).map((r) => ({ ...r, requestId: newRequestId(r.time) }));
}

/** Log two days of rows (10 % labelled); the day retention will delete first. */
async function fillLog(db: Database, days: readonly number[]): Promise<number> {
  const store = new SqlPredictionLogStore(db);
  const batch = 2_000;
  let rows = 0;
  for (const day of days) {
    for (let at = 0; at < ROWS_PER_DAY; at += batch) {
      const records = dayRecords(day, at, Math.min(batch, ROWS_PER_DAY - at), ROWS_PER_DAY);
      await store.appendPredictions(records);
      await store.appendFeedback(
        records
          .filter((_, k) => (at + k) % 10 === 0)
          .map((r) => ({
            id: randomBytes(8).toString("hex"),
            deployment: DEPLOYMENT,
            requestId: r.requestId,
            row: 0,
            outcome: r.score >= 0.4 ? "Yes" : "No",
            time: r.time + 3_600_000,
          })),
      );
      rows += records.length;
    }
    log(`logged ${int(rows)} rows`);
  }
  return rows;
}

/**
 * One day of rows deleted by `up`'s retention (its first pass, `--retention-every` after start)
 * while it answers one-row `/invocations` at a fixed rate: the slowest request in the seconds the
 * pass ran, found by watching the log's oldest row from here (reads do not block SQLite writers).
 */
async function retentionUnderLoad(db: Database, home: string, cutoff: number) {
  const server = await startChildServer(
    "up",
    [...CLI_ENTRY, "up", "--no-auth", "--port", "0", "--json", "--retention-every", `${RETENTION_AFTER_S}s`],
    { env: cliEnv(home), timeoutMs: 120_000 },
  );
  const readyAt = performance.now();
  try {
    const intervals: IntervalReport[] = [];
    let measuredAt = 0;
    const load = runOpenLoop(
      {
        url: `${server.url}/deployments/${DEPLOYMENT}/invocations`,
        rate: RATE,
        warmupS: 3,
        durationS: args.quick ? 25 : 50,
        connections: 32,
        intervalS: 1,
        timeoutMs: 10_000,
      },
      {
        onStart: () => {
          measuredAt = performance.now();
        },
        onInterval: (r) => intervals.push(r),
      },
    );
    const oldest = async () =>
      Number((await db.get<{ t: number | null }>("SELECT MIN(time) AS t FROM log_predictions"))?.t ?? Infinity);
    const first = await oldest();
    let from = Number.NaN;
    let to = Number.NaN;
    while (Number.isNaN(to) && performance.now() - readyAt < 120_000) {
      await new Promise((r) => setTimeout(r, 50));
      const t = await oldest();
      if (Number.isNaN(from) && t !== first) from = performance.now();
      if (t >= cutoff) to = performance.now();
    }
    const summary = await load;
    if (Number.isNaN(to) || measuredAt === 0 || from < measuredAt)
      throw new Error("the retention pass was not seen inside the measured window");
    const start = (from - measuredAt) / 1000 - 0.05;
    const end = (to - measuredAt) / 1000;
    log(`up's retention deleted the day in about ${fixed(end - start)} s`);
    const during = intervals.filter((r) => r.startS + 1 > start && r.startS < end);
    const before = intervals.filter((r) => r.startS + 1 <= start);
    return {
      seconds: end - start,
      summary,
      maxDuring: Math.max(...during.map((r) => r.latencyMs.max)),
      maxBefore: Math.max(...before.map((r) => r.latencyMs.max)),
      crashed: server.crashed(),
    };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const bench = await prepareHome(1, log, args.keep);
  await createDeployment(bench.home, DEPLOYMENT, 1);
  const db = openSqlite(join(bench.home, "modelworks.db"));
  const now = Date.now();
  // Day "old" is 4..3 days ago; "kept" 2..1 days ago. A 3-day retention deletes exactly "old".
  const rows = await fillLog(db, [now - 4 * DAY, now - 2 * DAY]);
  const size = await logBytes(db);
  const perRow = size.total / rows;
  log(`log: ${int(size.total)} bytes for ${int(rows)} rows = ${fixed(perRow, 1)} bytes a row`);

  await runCli(bench.home, ["deployments", "update", DEPLOYMENT, "--log-retention", "3d"]);
  const retention = await retentionUnderLoad(db, bench.home, now - 3 * DAY);
  const left = await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM log_predictions WHERE time < ?", [now - 3 * DAY]);
  if (Number(left?.n) !== 0) throw new Error(`retention left ${left?.n} rows of the old day`);
  await migrate(db, monitoringMigrations);
  const status = await monitorStatusTimes(db, DEPLOYMENT, RESULTS);
  await db.close();
  if (!args.keep) bench.remove();

  const failed = retention.summary.errors + retention.summary.non2xx;
  const table = markdownTable(
    ["measure", "value", "target", "verdict"],
    [
      [
        "bytes per logged row (SQLite, labels and indexes)",
        fixed(perRow, 1),
        `≤ ${TARGETS.bytesPerRow}`,
        verdict(perRow <= TARGETS.bytesPerRow),
      ],
      [
        `slowest request while up's retention deleted ${int(ROWS_PER_DAY)} rows (≈ ${fixed(retention.seconds)} s)`,
        `${fixed(retention.maxDuring, 1)} ms`,
        `≤ ${TARGETS.maxRequestMs} ms`,
        // Failed requests are no measure of latency: the run does not count then.
        failed > 0 ? `FAILED (${int(failed)} requests)` : verdict(retention.maxDuring <= TARGETS.maxRequestMs),
      ],
      ["  slowest request in the seconds before it", `${fixed(retention.maxBefore, 1)} ms`, "", ""],
      [
        `  p99 / max over the whole ${RATE} req/s run`,
        `${fixed(retention.summary.latencyMs.p99, 2)} / ${fixed(retention.summary.latencyMs.max, 1)} ms`,
        "",
        "",
      ],
      [
        `monitor status, ${int(RESULTS)} results (median of 20)`,
        `${fixed(status.statusMs, 2)} ms`,
        `≤ ${TARGETS.statusMs} ms`,
        verdict(status.statusMs <= TARGETS.statusMs),
      ],
      ["  the ranking query it replaced", `${fixed(status.rankingMs, 1)} ms`, "", ""],
    ],
  );
  console.log(
    `\n${table}\n\nLog bytes by table: ${size.byName.map(([n, b]) => `${n} ${int(b)}`).join(", ")}.\n${machineNote()}`,
  );
  if (args.write) {
    const path = writeVolumeResults("log-storage", args.quick, {
      rows_per_day: ROWS_PER_DAY,
      rate: RATE,
      bytes_per_row: perRow,
      log_bytes: Object.fromEntries(size.byName),
      retention: {
        deleted: ROWS_PER_DAY,
        seconds: retention.seconds,
        max_request_ms_during: retention.maxDuring,
        max_request_ms_before: retention.maxBefore,
        whole_run: retention.summary.latencyMs,
        failures: failed,
        server_exit: retention.crashed ?? null,
      },
      monitor_status: { results: RESULTS, status_ms: status.statusMs, ranking_query_ms: status.rankingMs },
      machine: machineNote(),
    });
    log(`wrote ${path}`);
  }
}

await main();
