/** The service: runs from files, concurrency per pipeline name (queue, skip), list and show. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { PipelineService } from "./pipeline-service.js";
import type { StepExecutor } from "./step-executor.js";
import type { RunnerFixture } from "./test-support/runner-fixture.js";
import { put, runnerFixture } from "./test-support/runner-fixture.js";

describe("PipelineService", () => {
  let f: RunnerFixture;
  let service: PipelineService;
  const order: string[] = [];
  let release: () => void = () => {};
  const blocking: StepExecutor = {
    run: async (ctx) => {
      order.push(`start ${ctx.pipelineRunId}`);
      if (ctx.settings.block) await new Promise<void>((r) => (release = r));
      order.push(`end ${ctx.pipelineRunId}`);
      return {};
    },
  };
  before(async () => {
    f = await runnerFixture([["evaluate", blocking]]);
    service = new PipelineService({ runner: f.runner, store: f.store, leases: f.leases });
  });
  after(() => f.close());

  test("queue: a second run waits for the first", async () => {
    order.length = 0;
    const spec = f.spec("name: q\nsteps:\n  - {name: a, type: evaluate, with: {block: true}}\n");
    const first = service.run(spec);
    while (order.length === 0) await new Promise((r) => setTimeout(r, 5));
    const second = service.run(f.spec("name: q\nsteps:\n  - {name: a, type: evaluate}\n"));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(order.length, 1, "the second has not started");
    const queued = (await service.list({ pipeline: "q" }))[0];
    assert.equal(queued?.status, "queued");
    release();
    const [a, b] = await Promise.all([first, second]);
    assert.deepEqual(order, [`start ${a.id}`, `end ${a.id}`, `start ${b.id}`, `end ${b.id}`]);
  });

  test("skip: a second run is refused with a clear message", async () => {
    order.length = 0;
    const spec = f.spec("name: s\nconcurrency: skip\nsteps:\n  - {name: a, type: evaluate, with: {block: true}}\n");
    const first = service.run(spec);
    while (order.length === 0) await new Promise((r) => setTimeout(r, 5));
    await assert.rejects(
      service.run(spec),
      /Pipeline 's' is already running \(run [0-9a-f]+\); its concurrency is 'skip'/,
    );
    release();
    assert.equal((await first).status, "succeeded");
    assert.equal(
      (await service.run(f.spec("name: s\nconcurrency: skip\nsteps:\n  - {name: a, type: evaluate}\n"))).status,
      "succeeded",
    );
  });

  test("runs a file and shows the run with its steps", async () => {
    await put(
      f,
      "pipeline.yaml",
      "name: file\nsteps:\n  - {name: hello, type: command, run: [node, -e, \"console.log('hi')\"]}\n",
    );
    const run = await service.runFile(f.specPath);
    assert.equal(run.specPath, f.specPath);
    const details = await service.show(run.id);
    assert.equal(details.steps[0]?.status, "succeeded");
    assert.match(details.steps[0]?.log ?? "", /hi/);
    await assert.rejects(service.runFile(`${f.dir}/missing.yaml`), /Cannot read the pipeline file/);
  });
});
