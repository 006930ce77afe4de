/**
 * A real `modelworks server` on a real PostgreSQL while the database misbehaves as production
 * databases do: backends killed mid-request (failover, idle reapers), connections refused, a table
 * locked. The server must never exit, answer 503 + Retry-After + a request id instead of hanging
 * or dropping the socket, tell the truth on /health/ready, and keep every write it acknowledged.
 * Runs where PostgreSQL is (always in CI).
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { homeAuthorization } from "../../src/cli/test-support/home-auth.js";
import type { TestBackend } from "../../src/core/db/test-support/backends.js";
import { testBackends } from "../../src/core/db/test-support/backends.js";
import type { ServerProcess } from "../http/support/server-process.js";
import { startServerProcess } from "../http/support/server-process.js";

const postgres = testBackends().find((b): b is TestBackend => b.name === "postgres");
const ADMIN_URI = process.env.MODELWORKS_TEST_POSTGRES_URI as string;

describe("PostgreSQL faults under a running server", {
  skip: postgres ? false : "MODELWORKS_TEST_POSTGRES_URI is not set",
}, () => {
  let root: string;
  let server: ServerProcess;
  let uri: string;
  let dbName: string;
  let drop: () => Promise<void>;
  let auth: string;
  let runId: string;

  const call = async (method: string, path: string, body?: unknown) => {
    const t0 = performance.now();
    const res = await fetch(server.url + path, {
      method,
      headers: { authorization: auth, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, ms: performance.now() - t0 };
  };
  /** As the database's owner, on a connection of its own. */
  const admin = async <T>(sql: string, onDb = false): Promise<T[]> => {
    const c = new pg.Client({ connectionString: onDb ? uri : ADMIN_URI });
    await c.connect();
    try {
      return (await c.query(sql)).rows as T[];
    } finally {
      await c.end();
    }
  };
  const killBackends = () =>
    admin(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${dbName}' AND pid <> pg_backend_pid()`,
    );
  const until = async (what: string, ok: () => Promise<boolean>, ms: number) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (await ok()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`${what} within ${ms} ms`);
  };
  const ready = async () => (await call("GET", "/health/ready")).status;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "mw-pg-faults-"));
    const created = await (postgres as TestBackend).create();
    uri = created.uri;
    dbName = new URL(uri).pathname.slice(1);
    await created.db.close();
    drop = created.drop;
    server = await startServerProcess(["--home", join(root, "home"), "--store", uri], 120_000, {
      MODELWORKS_DB_TIMEOUT: "1",
    });
    auth = homeAuthorization(join(root, "home"));
    const exp = JSON.parse((await call("POST", "/api/2.0/mlflow/experiments/create", { name: "faults" })).text);
    runId = JSON.parse((await call("POST", "/api/2.0/mlflow/runs/create", { experiment_id: exp.experiment_id })).text)
      .run.info.run_id;
  });
  after(async () => {
    await server?.kill9();
    await drop?.().catch(() => {});
    await rm(root, { recursive: true, force: true });
  });

  test("backends killed every 100 ms under writes: the server stays up, answers 200 or 503, keeps every acknowledged write", async () => {
    const acknowledged: number[] = [];
    const answers = new Map<number, number>();
    let stop = false;
    const killer = (async () => {
      while (!stop) {
        await killBackends();
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    for (let step = 0; step < 120; step++) {
      const r = await call("POST", "/api/2.0/mlflow/runs/log-batch", {
        run_id: runId,
        metrics: [{ key: "m", value: step, timestamp: 1_700_000_000_000 + step, step }],
      });
      answers.set(r.status, (answers.get(r.status) ?? 0) + 1);
      if (r.status === 200) acknowledged.push(step);
      else {
        assert.equal(r.status, 503, r.text);
        assert.equal(r.headers.get("retry-after"), "1");
        const body = JSON.parse(r.text) as { error_code: string; request_id: string };
        assert.equal(body.error_code, "TEMPORARILY_UNAVAILABLE");
        assert.equal(r.headers.get("x-request-id"), body.request_id, "the 5xx names its request");
      }
    }
    stop = true;
    await killer;
    assert.ok(server.alive(), `the server is still running (answers ${JSON.stringify([...answers])})`);
    await until("ready again", async () => (await ready()) === 200, 2000);
    const history = JSON.parse(
      (await call("GET", `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=m`)).text,
    ) as { metrics?: { step: number }[] };
    const stored = new Set((history.metrics ?? []).map((m) => m.step));
    assert.deepEqual(
      acknowledged.filter((s) => !stored.has(s)),
      [],
      "every write answered 200 reads back",
    );
    assert.ok(acknowledged.length > 0, "some writes went through between the kills");
  });

  test("/health/ready turns 503 within 2 s of losing the database and 200 within 2 s of getting it back", async () => {
    assert.equal(await ready(), 200);
    await admin(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`);
    try {
      await killBackends();
      const lost = Date.now();
      await until("not ready", async () => (await ready()) === 503, 2000);
      const body = JSON.parse((await call("GET", "/health/ready")).text) as { database: { ok: boolean } };
      assert.equal(body.database.ok, false);
      assert.ok(Date.now() - lost < 2500);
      assert.equal((await call("GET", "/health")).status, 200, "liveness stays up");
      const refused = await call("POST", "/api/2.0/mlflow/runs/log-batch", { run_id: runId, metrics: [] });
      assert.equal(refused.status, 503);
      assert.ok(refused.ms < 7000, `a refused write answers within the acquire timeout (${Math.round(refused.ms)} ms)`);
    } finally {
      await admin(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);
    }
    await until("ready again", async () => (await ready()) === 200, 2000);
    assert.ok(server.alive());
  });

  test("a table locked for 3 s: writes give up after the configured 1 s (503) instead of hanging, then go through", async () => {
    const locker = new pg.Client({ connectionString: uri });
    await locker.connect();
    await locker.query("BEGIN");
    await locker.query("LOCK TABLE runs IN ACCESS EXCLUSIVE MODE");
    let waited: { status: number; ms: number };
    try {
      const r = await call("POST", "/api/2.0/mlflow/runs/update", { run_id: runId, status: "RUNNING" });
      waited = { status: r.status, ms: r.ms };
    } finally {
      await new Promise((r) => setTimeout(r, 200));
      await locker.query("ROLLBACK");
      await locker.end();
    }
    assert.equal(waited.status, 503);
    assert.ok(waited.ms < 2900, `gave up in ${Math.round(waited.ms)} ms, before the lock was released`);
    const after = await call("POST", "/api/2.0/mlflow/runs/update", { run_id: runId, status: "RUNNING" });
    assert.equal(after.status, 200, after.text);
    assert.match(
      server.stderr(),
      /error 503 TEMPORARILY_UNAVAILABLE request \S+ POST \/api\/2\.0\/mlflow\/runs\/update/,
    );
  });
});
