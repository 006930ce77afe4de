/**
 * PostgreSQL stopped (`pg_ctl stop -m fast`, then `-m immediate`: a restart, a crash, a failover),
 * held down 6 s and started again, under a real `modelworks server` and a real
 * `modelworks serve --deployment` with steady traffic (metric writes, one-row predictions,
 * readiness and liveness polls). Neither process may exit; readiness must turn 503 within 2 s of the
 * stop and 200 within 2 s of the restart; no request may wait much longer than the configured
 * database timeout (1 s here), and a refused write must say 503 + Retry-After + request id; every
 * acknowledged write must read back, predictions must keep answering, and every prediction answered
 * must reach the prediction log (through the spool) with nothing dropped.
 *
 * The test stops PostgreSQL, so it starts its own (scripts/ci/postgres.sh), which needs the
 * binaries and root or user postgres; it runs where MODELWORKS_TEST_POSTGRES_URI is set (CI).
 * MODELWORKS_TEST_POSTGRES_PORTS=FROM-TO picks its port from a range (default: any free port).
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { homeAuthorization } from "../../src/cli/test-support/home-auth.js";
import { registerModels } from "../../src/cli/test-support/register-model.js";
import type { SpawnedCli } from "../../src/cli/test-support/spawn-cli.js";
import { spawnCli } from "../../src/cli/test-support/spawn-cli.js";
import { resolveConfig } from "../../src/core/config.js";
import { TELCO_CSV } from "../../src/core/test-support/shared-data.js";
import { readTable } from "../../src/data/read-table.js";
import type { Table } from "../../src/data/table.js";
import { fitTelcoPackage, telcoRecord } from "../../src/learn/test-support/telco-models.js";
import { openPlatform } from "../../src/server/open-platform.js";
import type { ServerProcess } from "../http/support/server-process.js";
import { startServerProcess } from "../http/support/server-process.js";
import type { OwnPostgres } from "./support/own-postgres.js";
import { ownPostgresSkipReason, startOwnPostgres } from "./support/own-postgres.js";
import type { Answer } from "./support/traffic.js";
import { byStatus, maxWaitMs, repeat, settledAt, timedFetch } from "./support/traffic.js";

/** Log lines (request ids, numbers and repeat counts aside) said more than `most` times. */
function repeatedLines(lines: readonly string[], most: number): string[] {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const key = line
      .replace(/ \(and \d+ more like it in the last \d+ s\)$/, "")
      .replace(/ request \S+/, "")
      .replace(/\d+/g, "#");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].filter(([, n]) => n > most).map(([line, n]) => `${n}× ${line}`);
}

/** MODELWORKS_DB_TIMEOUT for both processes, in seconds. */
const DB_TIMEOUT_S = 1;
/** What a request may wait beyond the database timeout (HTTP, the event loop, one retry's pause). */
const MARGIN_MS = 1000;
/** The bound for readiness to follow the database, both ways. */
const READINESS_MS = 2000;
/**
 * How long the database stays down: longer than the 5 s for which a process trusts a verified
 * token without asking the store, so requests must get by on what it verified before the outage.
 */
const HOLD_MS = 6000;

describe("PostgreSQL stopped and started again under a running server and serve", {
  skip: ownPostgresSkipReason(),
}, () => {
  let db: OwnPostgres;
  let root: string;
  let server: ServerProcess;
  let serve: SpawnedCli;
  let serveUrl: string;
  let auth: string;
  let runId: string;
  let telco: Table;

  const json = (body: unknown): RequestInit => ({
    method: "POST",
    headers: { authorization: auth, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const serveAlive = () => serve.proc.exitCode === null && serve.proc.signalCode === null;

  before(async () => {
    db = await startOwnPostgres();
    root = await mkdtemp(join(tmpdir(), "mw-pg-restart-"));
    const home = join(root, "home");
    const env = { MODELWORKS_DB_TIMEOUT: String(DB_TIMEOUT_S) };
    server = await startServerProcess(["--home", home, "--store", db.uri], 120_000, env);
    auth = homeAuthorization(home);
    const exp = await timedFetch(`${server.url}/api/2.0/mlflow/experiments/create`, json({ name: "restarts" }));
    const experimentId = (JSON.parse(exp.text) as { experiment_id: string }).experiment_id;
    const run = await timedFetch(`${server.url}/api/2.0/mlflow/runs/create`, json({ experiment_id: experimentId }));
    runId = (JSON.parse(run.text) as { run: { info: { run_id: string } } }).run.info.run_id;
    telco = await readTable(TELCO_CSV);
    await registerModels(home, "churn", [await fitTelcoPackage(telco, 3)], { champion: "1" }, db.uri);
    const platform = await openPlatform(resolveConfig({ home, store: db.uri }, {}, root));
    await platform.deployments.create({ name: "churn", primary: "churn@champion" });
    await platform.close();
    serve = await spawnCli(
      [
        "serve",
        "--deployment",
        "churn",
        "--home",
        home,
        "--store",
        db.uri,
        "--port",
        "0",
        "--json",
        "--poll-ms",
        "200",
      ],
      env,
    );
    serveUrl = (JSON.parse(serve.firstLine) as { url: string }).url;
  });

  after(async () => {
    await serve?.stop();
    await server?.kill9();
    await db?.remove();
    if (root) await rm(root, { recursive: true, force: true });
  });

  /** Rows of the prediction log, read on a connection of the test's own. */
  const loggedRequestIds = async (prefix: string): Promise<Set<string>> => {
    const c = new pg.Client({ connectionString: db.uri });
    await c.connect();
    try {
      // Ids the client chose are stored as a zero byte and their text (see compact-id.ts).
      const r = await c.query(
        `SELECT DISTINCT convert_from(substring(request_id from 2), 'UTF8') AS request_id FROM log_predictions
         WHERE get_byte(request_id, 0) = 0 AND convert_from(substring(request_id from 2), 'UTF8') LIKE $1`,
        [`${prefix}%`],
      );
      return new Set(r.rows.map((row: { request_id: string }) => row.request_id));
    } finally {
      await c.end();
    }
  };

  /** A refused write names its request and says when to try again. */
  const assertRefusal = (a: Answer) => {
    assert.equal(a.status, 503, `a write answers 200 or 503, got ${a.status}: ${a.text}`);
    assert.match(a.headers?.get("retry-after") ?? "", /^[1-9]\d*$/, "503 carries Retry-After");
    const body = JSON.parse(a.text) as { error_code: string; request_id: string };
    assert.equal(body.error_code, "TEMPORARILY_UNAVAILABLE");
    assert.ok(body.request_id, "the 503 body names its request");
    assert.equal(a.headers?.get("x-request-id"), body.request_id, "x-request-id matches the body");
  };

  const outage = async (mode: "fast" | "immediate") => {
    const key = `restart_${mode}`;
    const writes: Answer[] = [];
    const predictions: Answer[] = [];
    const ready = { server: [] as Answer[], serve: [] as Answer[] };
    const live: Answer[] = [];
    const acknowledged: number[] = [];
    const predicted: { id: string; at: number }[] = [];
    const logFrom = { server: server.stderr().length, serve: serve.stderr().length };
    let stopped = false;
    let step = 0;
    let predictionNo = 0;
    const done = () => stopped;
    const writer = async () => {
      const s = step++;
      const metrics = [{ key, value: s, timestamp: 1_700_000_000_000 + s, step: s }];
      const a = await timedFetch(`${server.url}/api/2.0/mlflow/runs/log-batch`, json({ run_id: runId, metrics }));
      writes.push(a);
      if (a.status === 200) acknowledged.push(s);
    };
    const predictor = async () => {
      const id = `${mode}-${predictionNo++}`;
      const init = json({ dataframe_records: [telcoRecord(telco, predictionNo % 100)] });
      const a = await timedFetch(`${serveUrl}/invocations`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), "x-request-id": id },
      });
      predictions.push(a);
      if (a.status === 200) predicted.push({ id, at: a.doneAt });
    };
    const loops = [
      repeat(done, 20, writer),
      repeat(done, 20, writer),
      repeat(done, 20, predictor),
      repeat(done, 50, async () => void ready.server.push(await timedFetch(`${server.url}/health/ready`))),
      repeat(done, 50, async () => void ready.serve.push(await timedFetch(`${serveUrl}/health/ready`))),
      repeat(done, 100, async () => {
        live.push(await timedFetch(`${server.url}/health`), await timedFetch(`${serveUrl}/health`));
      }),
    ];
    await sleep(1500);
    const haltStart = performance.now();
    await db.halt(mode);
    const haltDone = performance.now();
    await sleep(HOLD_MS);
    const resumeStart = performance.now();
    await db.resume();
    const resumeDone = performance.now();
    await sleep(4000);
    stopped = true;
    await Promise.all(loops);

    const transitions: Record<string, { notReadyMs: number | undefined; readyMs: number | undefined }> = {};
    for (const [name, answers] of Object.entries(ready)) {
      const down = settledAt(answers, 503, haltStart, resumeStart);
      const up = settledAt(answers, 200, resumeStart, Number.POSITIVE_INFINITY);
      transitions[name] = {
        notReadyMs: down === undefined ? undefined : Math.round(down - haltDone),
        readyMs: up === undefined ? undefined : Math.round(up - resumeDone),
      };
    }
    const duringOutage = predicted.filter((p) => p.at > haltStart && p.at < resumeDone);
    console.log(
      `pg_ctl stop -m ${mode}: halt took ${Math.round(haltDone - haltStart)} ms, held ${Math.round(resumeStart - haltDone)} ms, resume took ${Math.round(resumeDone - resumeStart)} ms`,
    );
    console.log(`  writes (log-batch): ${JSON.stringify(byStatus(writes))}, max wait ${maxWaitMs(writes)} ms`);
    console.log(
      `  predictions: ${JSON.stringify(byStatus(predictions))} (${duringOutage.length} during the outage), max wait ${maxWaitMs(predictions)} ms`,
    );
    for (const [name, answers] of Object.entries(ready))
      console.log(
        `  ${name} /health/ready: ${JSON.stringify(byStatus(answers))}, max wait ${maxWaitMs(answers)} ms, 503 ${transitions[name]?.notReadyMs} ms after the halt returned, 200 ${transitions[name]?.readyMs} ms after the resume returned`,
      );
    console.log(`  /health (both): ${JSON.stringify(byStatus(live))}, max wait ${maxWaitMs(live)} ms`);

    assert.ok(server.alive(), `the server is still running; its log:\n${server.stderr()}`);
    assert.ok(serveAlive(), `serve is still running; its log:\n${serve.stderr()}`);
    for (const [name, t] of Object.entries(transitions)) {
      assert.ok(t.notReadyMs !== undefined && t.notReadyMs <= READINESS_MS, `${name} not ready within 2 s of the stop`);
      assert.ok(t.readyMs !== undefined && t.readyMs <= READINESS_MS, `${name} ready within 2 s of the restart`);
    }
    assert.deepEqual(byStatus(live), { 200: live.length }, "/health stays 200 on both processes");
    for (const [name, log] of [
      ["server", server.stderr().slice(logFrom.server)],
      ["serve", serve.stderr().slice(logFrom.serve)],
    ] as const) {
      const lines = log.split("\n").filter((l) => l !== "");
      console.log(`  ${name} log: ${lines.length} lines during the case`);
      // Each 5xx answer has its own line with its request id (to be traced); every other warning
      // is said at most once per 10 s, counted.
      const traced = lines.filter((l) => /^error 5\d\d /.test(l) && / request \S+/.test(l));
      const warnings = lines.filter((l) => !traced.includes(l));
      assert.deepEqual(repeatedLines(warnings, 2), [], `${name} says each warning at most once per 10 s, counted`);
      const failed = name === "server" ? writes.filter((a) => a.status >= 500).length : 0;
      assert.equal(traced.length, failed, `${name} logs each 5xx once, with its request id`);
    }
    for (const a of writes) if (a.status !== 200) assertRefusal(a);
    assert.ok(
      writes.some((a) => a.status === 503),
      "some writes were refused while the database was down",
    );
    const bound = DB_TIMEOUT_S * 1000 + MARGIN_MS;
    for (const [what, answers] of Object.entries({ writes, predictions, ...ready, live }))
      assert.ok(maxWaitMs(answers) <= bound, `${what} waited ${maxWaitMs(answers)} ms, more than ${bound} ms`);
    assert.deepEqual(byStatus(predictions), { 200: predictions.length }, "predictions answer 200 throughout");
    assert.ok(duringOutage.length > 0, "predictions were answered during the outage");

    const history = await timedFetch(
      `${server.url}/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=${key}&max_results=25000`,
      { headers: { authorization: auth } },
    );
    assert.equal(history.status, 200, history.text);
    const stored = new Set((JSON.parse(history.text) as { metrics?: { step: number }[] }).metrics?.map((m) => m.step));
    assert.deepEqual(
      acknowledged.filter((s) => !stored.has(s)),
      [],
      "every write answered 200 reads back",
    );

    // The spool replays on the serving process's next flushes; the deadline only keeps a failure from hanging.
    const deadline = performance.now() + 60_000;
    let missing = predicted.map((p) => p.id);
    while (missing.length > 0 && performance.now() < deadline) {
      const logged = await loggedRequestIds(`${mode}-`);
      missing = missing.filter((id) => !logged.has(id));
      if (missing.length > 0) await sleep(200);
    }
    const metrics = (await timedFetch(`${serveUrl}/metrics`)).text;
    const metric = (name: string) => metrics.match(new RegExp(`^${name} (\\S+)$`, "m"))?.[1];
    console.log(
      `  prediction log: spooled ${metric("modelworks_prediction_log_spooled_rows_total")}, replayed ${metric("modelworks_prediction_log_replayed_rows_total")}, dropped ${metric("modelworks_prediction_log_dropped_rows_total")}, ${missing.length} of ${predicted.length} answered predictions missing`,
    );
    assert.deepEqual(missing, [], "every prediction answered reaches the prediction log");
    assert.equal(metric("modelworks_prediction_log_dropped_rows_total"), "0");
  };

  test("pg_ctl stop -m fast, 6 s down, start: both processes stay up, tell the truth, lose nothing", () =>
    outage("fast"));

  test("pg_ctl stop -m immediate, 6 s down, start: both processes stay up, tell the truth, lose nothing", () =>
    outage("immediate"));
});
