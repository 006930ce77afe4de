/** The `train` step's settings as the trainer receives them; `task` picks a classifier or a regression. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { PermanentStepError } from "../step-executor.js";
import { stepContext } from "../test-support/step-context.js";
import type { TrainRequest } from "./train-step.js";
import { trainExecutor } from "./train-step.js";

test("task, algo and params reach the trainer; outputs carry its metrics", async () => {
  const seen: TrainRequest[] = [];
  const exec = trainExecutor({
    train: async (req) => {
      seen.push(req);
      return { run_id: "r9", model: { name: "tenure", version: "2" }, metrics: { rmse: 3.5, mae: 2, r2: 0.9 } };
    },
  });
  const ctx = stepContext("train", {
    data: "telco@1",
    label: "tenure",
    task: "regression",
    params: { n_estimators: 50 },
    register: "tenure",
  });
  const out = await exec.run(ctx);
  assert.deepEqual(out, { run_id: "r9", model: "tenure", version: "2", metrics: { rmse: 3.5, mae: 2, r2: 0.9 } });
  assert.deepEqual(
    [seen[0]?.task, seen[0]?.algo, seen[0]?.params, seen[0]?.data],
    ["regression", "gbdt", ["n_estimators=50"], "telco@1"],
  );
  await exec.run(stepContext("train", { data: "telco@1", label: "Churn" }));
  assert.equal(seen[1]?.task, "binary");
  await assert.rejects(
    exec.run(stepContext("train", { data: "telco@1", label: "tenure", task: "ranking" })),
    (e) => e instanceof PermanentStepError && /with.task must be binary or regression/.test(e.message),
  );
});
