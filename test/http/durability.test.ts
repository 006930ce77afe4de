/**
 * Everything a client got a 200 for survives `kill -9`: a real server process is killed right
 * after the last acknowledged write, restarted on the same storage, and read back exactly.
 * Runs on SQLite always and on PostgreSQL when MODELWORKS_TEST_POSTGRES_URI is set.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { homeAuthorization } from "../../src/cli/test-support/home-auth.js";
import type { Experiment, Metric, ModelVersion, RegisteredModel, Run } from "../../src/core/api/mlflow-entities.js";
import { testBackends } from "../../src/core/db/test-support/backends.js";
import { fetchTransport, Wire } from "./support/client.js";
import * as py from "./support/python-client.js";
import type { ServerProcess } from "./support/server-process.js";
import { startServerProcess } from "./support/server-process.js";

const T0 = 1_700_000_000_000;
const METRICS = Array.from({ length: 1000 }, (_, i) => ({
  key: "loss",
  value: i === 500 ? "NaN" : 1 / (i + 1),
  timestamp: T0 + i,
  step: i,
}));
const MODEL: [string, Buffer][] = [
  ["MLmodel", Buffer.from("artifact_path: model\nflavors:\n  python_function: {}\n")],
  ["model.pkl", randomBytes(300_000)],
  ["nested/weights.bin", randomBytes(4096)],
];

interface Store {
  name: string;
  /** Extra server flags (a store URI), and how to remove the database afterwards. */
  open(): Promise<{ args: string[]; drop(): Promise<void> }>;
}

const STORES: Store[] = [{ name: "sqlite", open: async () => ({ args: [], drop: async () => {} }) }];
const pg = testBackends().find((b) => b.name === "postgres");
if (pg) {
  STORES.push({
    name: "postgres",
    open: async () => {
      const { db, uri, drop } = await pg.create();
      // A killed server's backends linger a moment, and DROP DATABASE refuses while they do.
      const others =
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()";
      const settle = async () => {
        for (let i = 0; i < 300 && ((await db.get<{ n: number }>(others))?.n ?? 0) > 0; i++) await sleep(100);
      };
      return { args: ["--store", uri], drop: () => settle().then(drop) };
    },
  });
}

for (const store of STORES) {
  describe(`durability across kill -9 (${store.name})`, () => {
    let home: string;
    let extra: string[];
    let drop: () => Promise<void>;
    let server: ServerProcess | undefined;
    let runId: string;
    let experimentId: string;

    before(async () => {
      home = await mkdtemp(join(tmpdir(), "mw-durable-"));
      ({ args: extra, drop } = await store.open());
    });
    after(async () => {
      await server?.kill9();
      await drop();
      await rm(home, { recursive: true, force: true });
    });

    const start = async () => {
      server = await startServerProcess(["--home", home, ...extra]);
      return new Wire(fetchTransport(server.url, homeAuthorization(home)));
    };

    test("write everything, each answered 200, then kill -9 right after the last one", async () => {
      const w = await start();
      experimentId = (await py.setExperiment(w, "durable")).experiment_id;
      const run = await py.startRun(w, experimentId, "crash-test", T0);
      runId = run.info.run_id;
      await py.logParam(w, runId, "lr", 0.01);
      await py.logBatch(w, runId, { params: [{ key: "epochs", value: "10" }] });
      await py.logBatch(w, runId, { metrics: METRICS });
      await py.logMetric(w, runId, "acc", 0.93, T0 + 5, 3);
      await py.setTag(w, runId, "team", "vision");
      for (const [path, bytes] of MODEL) {
        await py.logArtifact(w, runId, `model/${path}`, bytes, "application/octet-stream");
      }
      await py.endRun(w, runId, T0 + 9_000);
      const version = await py.registerModel(w, runId, "model", "durable-model");
      assert.equal(version.status, "READY");
      await w.ok("POST", "/mlflow/model-versions/set-tag", {
        name: "durable-model",
        version: "1",
        key: "k",
        value: "v",
      });
      await py.setAlias(w, "durable-model", "prod", "1");
      await server?.kill9();
      server = undefined;
    });

    test("after a restart on the same storage, everything reads back exactly", async () => {
      const w = await start();
      const { experiment } = await w.ok<{ experiment: Experiment }>("GET", "/mlflow/experiments/get-by-name", {
        experiment_name: "durable",
      });
      assert.equal(experiment.experiment_id, experimentId);

      const { run } = await w.ok<{ run: Run }>("GET", "/mlflow/runs/get", { run_id: runId });
      assert.equal(run.info.status, "FINISHED");
      assert.equal(run.info.end_time, T0 + 9_000);
      assert.equal(run.info.artifact_uri, `mlflow-artifacts:/${experimentId}/${runId}/artifacts`);
      const params = Object.fromEntries((run.data.params ?? []).map((p) => [p.key, p.value]));
      assert.deepEqual(params, { lr: "0.01", epochs: "10" });
      assert.equal(run.data.tags?.find((t) => t.key === "team")?.value, "vision");
      const latest = Object.fromEntries((run.data.metrics ?? []).map((m) => [m.key, m]));
      assert.deepEqual(latest.acc, { key: "acc", value: 0.93, timestamp: T0 + 5, step: 3 });
      assert.deepEqual(latest.loss, { key: "loss", value: 1 / 1000, timestamp: T0 + 999, step: 999 });

      const history = await w.ok<{ metrics: Metric[] }>("GET", "/mlflow/metrics/get-history", {
        run_id: runId,
        metric_key: "loss",
      });
      assert.deepEqual(history.metrics, METRICS);

      const { registered_model } = await w.ok<{ registered_model: RegisteredModel }>(
        "GET",
        "/mlflow/registered-models/get",
        { name: "durable-model" },
      );
      assert.deepEqual(registered_model.aliases, [{ alias: "prod", version: "1" }]);
      const { model_version } = await w.ok<{ model_version: ModelVersion }>("GET", "/mlflow/model-versions/get", {
        name: "durable-model",
        version: "1",
      });
      assert.equal(model_version.status, "READY");
      assert.equal(model_version.run_id, runId);
      assert.deepEqual(model_version.tags, [{ key: "k", value: "v" }]);

      const files = await py.downloadModel(w, "durable-model", "prod");
      assert.deepEqual([...files.keys()].sort(), MODEL.map(([p]) => p).sort());
      for (const [path, bytes] of MODEL) assert.ok(files.get(path)?.equals(bytes), `${path} differs after restart`);
      // Not a graceful stop: SIGTERM right after a streamed download can wait out the 72 s keep-alive timeout.
      await server?.kill9();
      server = undefined;
    });
  });
}
