/** The start route's handler: a pipeline the process runs starts with its params; others are 404, bad params 400. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { PipelineStarter } from "../../pipelines/pipeline-service.js";
import type { PipelineRun } from "../../pipelines/run-store.js";
import type { RunnerFixture } from "../../pipelines/test-support/runner-fixture.js";
import { runnerFixture } from "../../pipelines/test-support/runner-fixture.js";
import { pipelineHandlers } from "./pipeline-handlers.js";

describe("POST /pipelines/NAME/runs handler", () => {
  let f: RunnerFixture;
  const started: [string, Record<string, unknown>][] = [];
  before(async () => {
    f = await runnerFixture();
  });
  after(() => f.close());

  const starter = (): PipelineStarter => ({
    has: (name) => name === "churn",
    async start(name, params) {
      started.push([name, params]);
      const spec = f.spec(
        "name: churn\nparams: {trees: 10}\nsteps:\n  - {name: a, type: command, run: [node, -e, '0']}\n",
      );
      return (await f.runner.create(spec, { params, trigger: "api" })) as PipelineRun;
    },
  });

  test("starts a pipeline the process runs and answers the run", async () => {
    const h = pipelineHandlers(f.store, undefined, starter());
    const { run } = await h.startPipelineRun({ name: "churn", params: { trees: "20" } });
    assert.equal(run.pipeline, "churn");
    assert.equal(run.trigger, "api");
    assert.equal(run.params.trees, 20);
    assert.deepEqual(started, [["churn", { trees: "20" }]]);
  });

  test("an unknown pipeline is 404, a server without pipelines too; params must be an object", async () => {
    const h = pipelineHandlers(f.store, undefined, starter());
    await assert.rejects(h.startPipelineRun({ name: "other" }), (e: { status?: number; message: string }) => {
      return e.status === 404 && /runs no pipeline named 'other'/.test(e.message);
    });
    await assert.rejects(pipelineHandlers(f.store).startPipelineRun({ name: "churn" }), { status: 404 });
    await assert.rejects(h.startPipelineRun({ name: "churn", params: [1] }), {
      status: 400,
      message: "Invalid value for parameter 'params': expected an object of param names to values.",
    });
    await assert.rejects(h.startPipelineRun({ name: "churn", params: { nope: 1 } }), /Unknown param 'nope'/);
  });
});
