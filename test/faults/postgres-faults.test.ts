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
import { registerModels } from "../../src/cli/test-support/register-model.js";
import { spawnCli } from "../../src/cli/test-support/spawn-cli.js";
import { resolveConfig } from "../../src/core/config.js";
import type { TestBackend } from "../../src/core/db/test-support/backends.js";
import { testBackends } from "../../src/core/db/test-support/backends.js";
import { TELCO_CSV } from "../../src/core/test-support/shared-data.js";
import { readTable } from "../../src/data/read-table.js";
import { fitTelcoPackage, telcoRecord } from "../../src/learn/test-support/telco-models.js";
import { openPlatform } from "../../src/server/open-platform.js";
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
    console.log(`120 writes under backend kills every 100 ms: answers by status ${JSON.stringify([...answers])}`);
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

  test("reads right after the database killed every connection of the server answer 200, not 503", async () => {
    for (let i = 0; i < 10; i++) {
      await killBackends();
      const r = await call("GET", `/api/2.0/mlflow/runs/get?run_id=${runId}`);
      assert.equal(r.status, 200, r.text);
    }
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

  test("predictions answered while the database is gone are spooled and all arrive once it is back", async () => {
    const home = join(root, "home");
    const telco = await readTable(TELCO_CSV);
    await registerModels(home, "churn", [await fitTelcoPackage(telco, 3)], { champion: "1" }, uri);
    const platform = await openPlatform(resolveConfig({ home, store: uri }, {}, root));
    await platform.deployments.create({ name: "churn", primary: "churn@champion" });
    await platform.close();
    const serve = await spawnCli(
      ["serve", "--deployment", "churn", "--home", home, "--store", uri, "--port", "0", "--json", "--poll-ms", "200"],
      { MODELWORKS_DB_TIMEOUT: "1" },
    );
    try {
      const serveUrl = (JSON.parse(serve.firstLine) as { url: string }).url;
      const predict = async (id: string) => {
        const res = await fetch(`${serveUrl}/invocations`, {
          method: "POST",
          headers: { authorization: auth, "content-type": "application/json", "x-request-id": id },
          body: JSON.stringify({ dataframe_records: [telcoRecord(telco, 0)] }),
        });
        await res.arrayBuffer();
        return res.status;
      };
      assert.equal(await predict("warm"), 200);
      await admin(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS false`);
      const during: string[] = [];
      try {
        await killBackends();
        for (let i = 0; i < 40; i++) {
          assert.equal(await predict(`outage-${i}`), 200, "predictions need no database");
          during.push(`outage-${i}`);
          await new Promise((r) => setTimeout(r, 25));
        }
        // Long enough for the failed writes to be retried and spooled.
        await new Promise((r) => setTimeout(r, 1500));
        const metrics = await (await fetch(`${serveUrl}/metrics`)).text();
        assert.match(metrics, /modelworks_prediction_log_spooled_rows_total \d*[1-9]/);
      } finally {
        await admin(`ALTER DATABASE ${dbName} ALLOW_CONNECTIONS true`);
      }
      await until(
        "every prediction answered during the outage is in the log",
        async () => {
          const rows = await admin<{ request_id: string }>(
            // Ids the client chose are stored as a zero byte and their text (see compact-id.ts).
            `SELECT DISTINCT substring(request_id from 2) FROM log_predictions
             WHERE get_byte(request_id, 0) = 0 AND convert_from(substring(request_id from 2), 'UTF8') LIKE 'outage-%'`,
            true,
          );
          return rows.length === during.length;
        },
        15_000,
      );
      const metrics = await (await fetch(`${serveUrl}/metrics`)).text();
      assert.match(metrics, /modelworks_prediction_log_dropped_rows_total 0\n/);
      assert.match(metrics, /modelworks_prediction_log_spool_rows 0\n/);
    } finally {
      await serve.stop();
    }
  });
});
