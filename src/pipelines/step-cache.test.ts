/** The step cache: unchanged steps are reused; input bytes, params, the step's spec or a lost output rerun them. */
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { RunnerFixture } from "./test-support/runner-fixture.js";
import { put, runnerFixture } from "./test-support/runner-fixture.js";

const PIPELINE = (arg: string, cache = true) => `
name: cached
params: {threshold: 1}
steps:
  - name: prep
    type: command
    run: [node, prep.js, "${arg}", "\${params.threshold}"]
    inputs: [data.csv, data-dir]
    outputs: [prepared.txt]
    cache: ${cache}
`;

describe("step cache", () => {
  let f: RunnerFixture;
  before(async () => {
    f = await runnerFixture();
    await put(
      f,
      "prep.js",
      [
        "const fs=require('fs');",
        "fs.appendFileSync('runs.log','run\\n');",
        "fs.writeFileSync('prepared.txt',fs.readFileSync('data.csv','utf8')+process.argv[2]);",
        "fs.writeFileSync(process.env.MODELWORKS_WORK_DIR+'/outputs.json',JSON.stringify({arg:process.argv[2]}));",
      ].join("\n"),
    );
    await put(f, "data.csv", "a,b\n1,2\n");
    await import("node:fs/promises").then((fs) => fs.mkdir(join(f.dir, "data-dir")));
    await put(f, "data-dir/part1.csv", "x\n");
  });
  after(() => f.close());

  async function status(yaml: string, params?: Record<string, unknown>) {
    const run = await f.runner.start(f.spec(yaml), { specPath: f.specPath, ...(params ? { params } : {}) });
    assert.equal(run.status, "succeeded", run.error);
    return (await f.store.steps(run.id))[0];
  }

  test("a first run executes; an unchanged second run is cached with the old outputs", async () => {
    assert.equal((await status(PIPELINE("v1")))?.status, "succeeded");
    const second = await status(PIPELINE("v1"));
    assert.equal(second?.status, "cached");
    assert.deepEqual(second?.outputs, { arg: "v1" });
    assert.match(second?.log ?? "", /cached: reusing the result of run/);
  });

  test("changing an input file's bytes reruns it (the same name is not enough)", async () => {
    await put(f, "data.csv", "a,b\n1,3\n");
    assert.equal((await status(PIPELINE("v1")))?.status, "succeeded");
    assert.equal((await status(PIPELINE("v1")))?.status, "cached");
  });

  test("changing a file inside an input folder reruns it", async () => {
    await put(f, "data-dir/part2.csv", "y\n");
    assert.equal((await status(PIPELINE("v1")))?.status, "succeeded");
    assert.equal((await status(PIPELINE("v1")))?.status, "cached");
  });

  test("changing a param reruns it", async () => {
    assert.equal((await status(PIPELINE("v1"), { threshold: 2 }))?.status, "succeeded");
    assert.equal((await status(PIPELINE("v1"), { threshold: 2 }))?.status, "cached");
  });

  test("changing the step's spec reruns it", async () => {
    assert.equal((await status(PIPELINE("v2")))?.status, "succeeded");
    assert.equal((await status(PIPELINE("v2")))?.status, "cached");
  });

  test("a deleted declared output reruns it", async () => {
    await rm(join(f.dir, "prepared.txt"));
    assert.equal((await status(PIPELINE("v2")))?.status, "succeeded");
  });

  test("without cache: true it always runs (but records its key for later)", async () => {
    const step = await status(PIPELINE("v2", false));
    assert.equal(step?.status, "succeeded");
    assert.match(step?.cacheKey ?? "", /^[0-9a-f]{64}$/);
  });

  test("a different code commit reruns it", async () => {
    const { PipelineRunner } = await import("./pipeline-runner.js");
    const { stepExecutors } = await import("./executors.js");
    const other = new PipelineRunner({
      store: f.store,
      executors: stepExecutors({ env: process.env }),
      workRoot: join(f.dir, ".work"),
      gitCommit: async () => "0123456789abcdef0123456789abcdef01234567",
    });
    const run = await other.start(f.spec(PIPELINE("v2")), { specPath: f.specPath });
    assert.equal((await f.store.steps(run.id))[0]?.status, "succeeded");
  });
});
