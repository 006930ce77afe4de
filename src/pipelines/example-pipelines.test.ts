/** The example pipeline files stay valid: they parse, and their triggers and schedules are accepted. */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { parsePipeline } from "./parse-pipeline.js";
import { deploySettings } from "./steps/deploy.js";
import { TriggerScheduler } from "./triggers/trigger-scheduler.js";

const CHURN = fileURLToPath(new URL("../../examples/churn/pipeline.yaml", import.meta.url));

test("examples/churn/pipeline.yaml parses: ingest → validate → train → gate → deploy with four triggers", () => {
  const spec = parsePipeline(readFileSync(CHURN, "utf8"), CHURN);
  assert.equal(spec.name, "churn");
  assert.deepEqual(
    spec.steps.map((s) => `${s.name}:${s.type}`),
    ["ingest:ingest", "ingest_holdout:ingest", "validate:validate", "train:train", "gate:gate", "deploy:deploy"],
  );
  assert.deepEqual(
    spec.triggers.map((t) => t.type),
    ["cron", "git", "folder", "alert"],
  );
  assert.deepEqual(spec.triggers[3], { type: "alert", deployment: "churn", rule: "dataset_drift" });
  const deploy = spec.steps.find((s) => s.type === "deploy");
  assert.deepEqual(deploySettings(deploy?.with ?? {}).spec.steps, [5, 25, 50, 100]);
  // The scheduler accepts the cron schedule and timezone (it throws on bad ones).
  const scheduler = new TriggerScheduler([spec], { clock: { now: () => Date.UTC(2026, 0, 1, 12) }, start: () => {} });
  assert.deepEqual(
    scheduler.nextRuns().map((r) => r.next.toISOString()),
    ["2026-01-02T02:00:00.000Z"],
  );
});

const PYTHON_CHURN = fileURLToPath(new URL("../../examples/python-churn/pipeline.yaml", import.meta.url));

test("examples/python-churn/pipeline.yaml parses: a Python train command, then gate, deploy and monitor", () => {
  const spec = parsePipeline(readFileSync(PYTHON_CHURN, "utf8"), PYTHON_CHURN);
  assert.equal(spec.name, "python-churn");
  assert.deepEqual(
    spec.steps.map((s) => `${s.name}:${s.type}`),
    ["ingest:ingest", "ingest_holdout:ingest", "train:command", "gate:gate", "deploy:deploy", "monitor:command"],
  );
  assert.deepEqual(spec.steps.find((s) => s.name === "train")?.run?.[1], "train.py");
  assert.deepEqual(
    spec.triggers.map((t) => t.type),
    ["folder", "alert"],
  );
});
