/**
 * The monitor job on a regression model (a GBDT of tenure on Telco, trained as `train --task
 * regression` does) and a multiclass one (a registered signature with classes): realized RMSE and
 * accuracy from the prediction log joined with feedback, judged against the run's metrics.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createReadStream, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { predictorFor } from "../../learn/package/load-model.js";
import type { ModelPackage } from "../../learn/package/model-package.js";
import { writeModelPackage } from "../../learn/package/model-package.js";
import { fitModel } from "../../learn/train/fit-model.js";
import { numericLabel } from "../../learn/train/label.js";
import { resolveTaskParams } from "../../learn/train/train-params.js";
import type { MonitorResult } from "./monitor.js";
import { monitorConfig } from "./test-support/monitor-config.js";
import type { TelcoWorld } from "./test-support/telco-world.js";
import { records, telcoWorld } from "./test-support/telco-world.js";

const ROWS = Array.from({ length: 300 }, (_, k) => k * 13);

describe("monitor job per model kind", () => {
  let w: TelcoWorld;
  let regression: ModelPackage;

  before(async () => {
    w = await telcoWorld();
    const params = resolveTaskParams("regression", "gbdt", ["n_estimators=60", "learning_rate=0.1"]);
    regression = (await fitModel(w.telco, { label: "tenure", algo: "gbdt", params, seed: 1 })).package;
  });
  after(() => w.close());

  /** Register `pkg` as version 1 of `name` with `metrics` on its run, and deploy it as `name`. */
  async function deploy(name: string, pkg: ModelPackage, metrics: Record<string, number>): Promise<void> {
    const p = w.platform;
    await p.registry.createRegisteredModel({ name });
    const runId = (await p.tracking.createRun({ experimentId: "0" })).info.run_id;
    const now = Date.now();
    const list = Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: now, step: 0 }));
    await p.tracking.logBatch(runId, { metrics: list });
    const dir = mkdtempSync(join(w.home, "pkg-"));
    const root = `0/${runId}/artifacts/model`;
    for (const f of await writeModelPackage(dir, { ...pkg, runId })) {
      await p.artifacts.put(`${root}/${f}`, createReadStream(join(dir, f)));
    }
    await p.registry.createModelVersion({ name, source: `mlflow-artifacts:/${root}`, runId });
    await p.deployments.create({ name, primary: `${name}/1` });
  }

  /** Log one request of `rows` scored as `scores` (labels `labels`) and send `outcomes` for them. */
  async function traffic(name: string, scores: number[], labels: string[], outcomes: string[]): Promise<void> {
    const requestId = randomUUID();
    const time = Date.now() - 60_000;
    const recs = records(w, ROWS);
    await w.log.appendPredictions(
      recs.map((rec, row) => ({
        deployment: name,
        requestId,
        row,
        variant: "primary" as const,
        shadow: false,
        modelName: name,
        modelVersion: "1",
        inputs: JSON.stringify(rec),
        score: scores[row] as number,
        label: labels[row] as string,
        time,
        latencyMs: 1,
      })),
    );
    await w.log.appendFeedback(
      outcomes.map((outcome, row) => ({ id: randomUUID(), deployment: name, requestId, row, outcome, time: time + 1 })),
    );
  }

  const runOnce = async (name: string): Promise<MonitorResult> => {
    const [r, ...more] = (await w.platform.monitoring.runConfig(monitorConfig(name, { minLabels: 100 }))).results;
    assert.equal(more.length, 0);
    assert.ok(r);
    assert.equal(r.error, undefined, r.error);
    return r;
  };

  test("regression: realized RMSE near the training RMSE, then far above it once the outcomes shift", async () => {
    const predicted = predictorFor(regression).predict(w.telco.take(Int32Array.from(ROWS)));
    const truth = numericLabel(w.telco, "tenure");
    const outcomes = ROWS.map((i) => String(truth[i]));
    const sq = ROWS.reduce((s, i, k) => s + ((truth[i] as number) - (predicted[k] as number)) ** 2, 0);
    const rmse = Math.sqrt(sq / ROWS.length);
    await deploy("tenure", regression, { rmse, mae: 1, r2: 0.9 });
    const scores = Array.from(predicted);
    await traffic("tenure", scores, scores.map(String), outcomes);
    const r = await runOnce("tenure");
    assert.equal(r.labelledRows, 300);
    assert.equal(r.realizedAuc, null);
    assert.ok(r.realized?.kind === "regression");
    assert.ok(Math.abs((r.realized.rmse as number) - rmse) < 1e-9, `${r.realized.rmse} vs ${rmse}`);
    assert.equal(r.realized.trainingRmse, rmse);
    assert.equal(r.conceptDrift, false);
    // Customers now stay 30 months longer than predicted: RMSE far above training × 1.2.
    await traffic(
      "tenure",
      scores,
      scores.map(String),
      ROWS.map((i) => String((truth[i] as number) + 30)),
    );
    const drifted = await runOnce("tenure");
    assert.equal(drifted.labelledRows, 600);
    assert.equal(drifted.conceptDrift, true);
    const stored = (await w.platform.monitoring.results({ deployment: "tenure", limit: 1 }))[0];
    assert.deepEqual(stored?.realized, drifted.realized);
  });

  test("multiclass: the accuracy of the logged top class against the run's accuracy", async () => {
    const signature = {
      task: "multiclass" as const,
      inputs: regression.signature.inputs,
      classes: ["short", "mid", "long"],
    };
    await deploy("stay", { ...regression, signature }, { accuracy: 0.8, log_loss: 0.5 });
    const labels = ROWS.map((_, k) => (["short", "mid", "long"] as const)[k % 3] as string);
    // Right on 3 rows of 4: accuracy 0.75 ≥ 0.8 − 0.05.
    const outcomes = labels.map((l, k) => (k % 4 === 0 ? "other" : l));
    await traffic(
      "stay",
      labels.map(() => 0.7),
      labels,
      outcomes,
    );
    const r = await runOnce("stay");
    assert.ok(r.realized?.kind === "multiclass");
    assert.equal(r.realized.accuracy, 0.75);
    assert.equal(r.realized.trainingAccuracy, 0.8);
    assert.equal(r.conceptDrift, false);
    await traffic(
      "stay",
      labels.map(() => 0.7),
      labels,
      labels.map(() => "other"),
    );
    const drifted = await runOnce("stay");
    assert.ok(drifted.realized?.kind === "multiclass");
    assert.equal(drifted.realized.accuracy, 0.375);
    assert.equal(drifted.conceptDrift, true);
  });
});
