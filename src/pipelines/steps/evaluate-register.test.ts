/** `evaluate` scores a registered version on the Telco data; `register` makes a run's model a new version. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { systemClock } from "../../core/clock.js";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTable } from "../../data/read-table.js";
import type { Table } from "../../data/table.js";
import { predictorFor } from "../../learn/package/load-model.js";
import { fitTelcoPackage } from "../../learn/test-support/telco-models.js";
import type { RolloutFixture } from "../../rollout/test-support/rollout-fixture.js";
import { rolloutFixture } from "../../rollout/test-support/rollout-fixture.js";
import { nativeModel } from "../../runtimes/native/native-runtime.js";
import type { LoadedModel } from "../../runtimes/runtime.js";
import { SqlTrackingStore } from "../../tracking/sql/sql-tracking-store.js";
import { PermanentStepError } from "../step-executor.js";
import { stepContext } from "../test-support/step-context.js";
import { evaluateExecutor } from "./evaluate.js";
import { registerExecutor } from "./register.js";

let f: RolloutFixture;
let tracking: SqlTrackingStore;
let telco: Table;
let experimentId: string;
const models = new Map<string, LoadedModel>();

before(async () => {
  f = await rolloutFixture();
  tracking = new SqlTrackingStore(f.db, { defaultArtifactRoot: "mlflow-artifacts:", clock: systemClock });
  await tracking.init();
  experimentId = await tracking.createExperiment({ name: "steps" });
  telco = await readTable(TELCO_CSV);
  await f.registry.createRegisteredModel({ name: "churn" });
  for (const trees of [3, 30]) {
    const v = await f.registry.createModelVersion({ name: "churn", source: `s3://m/churn/${trees}` });
    models.set(v.version, nativeModel(predictorFor(await fitTelcoPackage(telco, trees))));
  }
  await f.registry.setAlias({ name: "churn", alias: "champion", version: 2 });
});
after(() => f.close());

const evaluate = () =>
  evaluateExecutor({
    registry: f.registry,
    tracking,
    loadModel: async (name, version) => {
      const m = models.get(version);
      if (!m) throw new Error(`no package for ${name}/${version}`);
      return { predictor: m };
    },
    loadEval: async (ref) => ({ table: telco, ref: `${ref}@1` }),
  });

test("evaluate scores a version or an alias and logs the metrics on the step's run", async () => {
  const run = await tracking.createRun({ experimentId, runName: "evaluate", startTime: Date.now() });
  const out = await evaluate().run(
    ctx("evaluate", { model: "churn", alias: "champion", data: "telco" }, run.info.run_id),
  );
  assert.equal(out.version, "2");
  assert.equal(out.data, "telco@1");
  const m = out.metrics as Record<string, number>;
  assert.ok((m.roc_auc ?? 0) > 0.8 && (m.roc_auc ?? 0) <= 1, String(m.roc_auc));
  assert.ok((m.pr_auc ?? 0) > 0 && (m.log_loss ?? 0) > 0);
  assert.equal(m.rows, 7043);
  const logged = (await tracking.getRun(run.info.run_id)).data.metrics ?? [];
  assert.equal(logged.find((x) => x.key === "roc_auc")?.value, m.roc_auc);
  const v1 = await evaluate().run(ctx("evaluate", { model: "churn", version: 1, data: "telco" }));
  assert.equal(v1.version, "1");
  assert.ok(((v1.metrics as Record<string, number>).roc_auc ?? 1) < (m.roc_auc ?? 0));
  await assert.rejects(
    evaluate().run(ctx("evaluate", { model: "churn", data: "telco" })),
    (e) => e instanceof PermanentStepError && /exactly one of with.version and with.alias/.test(e.message),
  );
});

test("register makes a run's model folder a new version and sets the alias", async () => {
  const run = await tracking.createRun({ experimentId, runName: "train", startTime: Date.now() });
  const exec = registerExecutor({ registry: f.registry, tracking });
  const out = await exec.run(ctx("register", { run_id: run.info.run_id, model: "fresh", alias: "challenger" }));
  assert.deepEqual(out, { model: "fresh", version: "1" });
  const v = await f.registry.getModelVersionByAlias({ name: "fresh", alias: "challenger" });
  assert.equal(v.version, "1");
  assert.equal(v.source, `${run.info.artifact_uri}/model`);
  assert.equal(v.run_id, run.info.run_id);
  const again = await exec.run(ctx("register", { run_id: run.info.run_id, model: "fresh" }));
  assert.deepEqual(again, { model: "fresh", version: "2" });
  await assert.rejects(exec.run(ctx("register", { model: "fresh" })), /with\.run_id is required/);
});

function ctx(type: "evaluate" | "register", settings: Record<string, unknown>, runId = "r1") {
  return stepContext(type, settings, { runId });
}
