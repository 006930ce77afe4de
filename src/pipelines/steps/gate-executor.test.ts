import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { MwError } from "../../core/errors.js";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTable } from "../../data/read-table.js";
import type { Table } from "../../data/table.js";
import { predictorFor } from "../../learn/package/load-model.js";
import { fitTelcoPackage } from "../../learn/test-support/telco-models.js";
import type { RolloutFixture } from "../../rollout/test-support/rollout-fixture.js";
import { rolloutFixture } from "../../rollout/test-support/rollout-fixture.js";
import { nativeModel } from "../../runtimes/native/native-runtime.js";
import type { LoadedModel } from "../../runtimes/runtime.js";
import { PermanentStepError } from "../step-executor.js";
import { stepContext } from "../test-support/step-context.js";
import type { GateNotice } from "./gate-executor.js";
import { gateExecutor } from "./gate-executor.js";

let f: RolloutFixture;
let telco: Table;
const models = new Map<string, LoadedModel>();
const notices: GateNotice[] = [];
const loads: string[] = [];

before(async () => {
  f = await rolloutFixture();
  telco = await readTable(TELCO_CSV);
  await f.registry.createRegisteredModel({ name: "churn" });
  // Version 1: 5 trees; version 2: 60 trees, clearly better on the same rows.
  for (const trees of [5, 60]) {
    const v = await f.registry.createModelVersion({ name: "churn", source: `s3://m/churn/${trees}` });
    models.set(v.version, nativeModel(predictorFor(await fitTelcoPackage(telco, trees))));
  }
});
after(() => f.close());

const executor = () =>
  gateExecutor({
    registry: f.registry,
    loadModel: async (name, version) => {
      loads.push(`${name}/${version}`);
      const m = models.get(version);
      if (!m) throw new Error(`no package for ${name}/${version}`);
      return { predictor: m };
    },
    loadEval: async (ref) => ({ table: telco, ref: ref === "telco" ? "telco@1" : ref, digest: "sha256:abc" }),
    notify: (n) => {
      notices.push(n);
    },
  });

async function challengerAlias(): Promise<string | undefined> {
  return f.registry.getModelVersionByAlias({ name: "churn", alias: "challenger" }).then(
    (v) => v.version,
    () => undefined,
  );
}

test("the first model (no champion) is promoted when it reaches the floor", async () => {
  const out = await executor().run(ctx({ model: "churn", candidate: 1, eval: "telco", floor: 0.7 }));
  assert.equal(out.promote, true, String(out.reason));
  assert.match(String(out.reason), /no champion yet/);
  const ev = out.evidence as Record<string, unknown>;
  assert.equal(ev.champion, null);
  assert.deepEqual(ev.eval, { ref: "telco@1", digest: "sha256:abc" });
  assert.equal(await challengerAlias(), "1");
});

test("60 trees beat a 5-tree champion with a bootstrap CI above 0: challenger alias set", async () => {
  await f.registry.setAlias({ name: "churn", alias: "champion", version: 1 });
  const out = await executor().run(
    ctx({
      model: "churn",
      candidate: "2",
      eval: "telco",
      floor: "0.7",
      min_improvement: 0.005,
      bootstrap: { samples: 200, confidence: 0.95, seed: 3 },
      guardrails: { log_loss: 0.02 },
    }),
  );
  assert.equal(out.promote, true, String(out.reason));
  const ev = out.evidence as {
    champion: string;
    candidate: string;
    metrics: { roc_auc: { challenger: number; champion: number } };
    ci: { lower: number };
    guardrails: { passed: boolean }[];
  };
  assert.equal(ev.champion, "1");
  assert.equal(ev.candidate, "2");
  assert.ok(ev.metrics.roc_auc.challenger > ev.metrics.roc_auc.champion);
  assert.ok(ev.ci.lower > 0);
  assert.deepEqual(
    ev.guardrails.map((g) => g.passed),
    [true],
  );
  assert.equal(await challengerAlias(), "2");
  assert.deepEqual(JSON.parse(JSON.stringify(out)), out, "outputs are plain JSON");
});

test("a worse candidate is rejected: the step succeeds, notify is called, aliases stay", async () => {
  await f.registry.setAlias({ name: "churn", alias: "champion", version: 2 });
  notices.length = 0;
  const out = await executor().run(ctx({ model: "churn", candidate: "churn/1", eval: "telco" }));
  assert.equal(out.promote, false);
  assert.match(String(out.reason), /challenger roc_auc 0\.\d+ vs champion 0\.\d+: improvement -0\.\d+ is below/);
  assert.equal(notices.length, 1);
  assert.equal(notices[0]?.candidate, "1");
  assert.equal(notices[0]?.champion, "2");
  assert.equal(notices[0]?.reason, out.reason);
  assert.equal(await challengerAlias(), "2");
  const champion = await f.registry.getModelVersionByAlias({ name: "churn", alias: "champion" });
  assert.equal(champion.version, "2");
});

test("bad settings and unknown versions fail the step with a named field", async () => {
  const bad = async (settings: Record<string, unknown>, re: RegExp) =>
    assert.rejects(
      executor().run(ctx(settings)),
      (e) => e instanceof PermanentStepError && /^step 'gate': /.test(e.message) && re.test(e.message),
    );
  await bad({ candidate: 1, eval: "telco" }, /'model'/);
  await bad({ model: "churn", candidate: "other/1", eval: "telco" }, /'candidate'/);
  await bad({ model: "churn", candidate: 1, eval: "telco", metric: "accuracy" }, /'metric'/);
  await bad({ model: "churn", candidate: 1, eval: "telco", floor: "high" }, /'floor'/);
  await bad({ model: "churn", candidate: 1, eval: "telco", guardrails: { f1: 0.1 } }, /guardrails.f1/);
  await bad(
    { model: "churn", candidate: 1, eval: "telco", min_improvment: 0.01 },
    /Unknown gate setting 'min_improvment'/,
  );
  await assert.rejects(executor().run(ctx({ model: "churn", candidate: 9, eval: "telco" })), MwError);
});

function ctx(settings: Record<string, unknown>) {
  return stepContext("gate", settings);
}
