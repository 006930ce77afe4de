/** The command step: no shell, its environment, outputs.json, exit codes, logs. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { RunnerFixture } from "../test-support/runner-fixture.js";
import { put, runnerFixture } from "../test-support/runner-fixture.js";

describe("command step", () => {
  let f: RunnerFixture;
  before(async () => {
    f = await runnerFixture();
  });
  after(() => f.close());

  test("sees its run ids, tracking URI, inputs, outputs and work dir; outputs.json becomes its outputs", async () => {
    await put(f, "in.txt", "hello");
    await put(
      f,
      "env.js",
      [
        "const fs=require('fs');const e=process.env;",
        "const keys=['MLFLOW_TRACKING_URI','MODELWORKS_TRACKING_URI','MODELWORKS_RUN_ID','MODELWORKS_PIPELINE_RUN_ID','MODELWORKS_INPUTS','MODELWORKS_OUTPUTS','MODELWORKS_WORK_DIR'];",
        "console.log('to stdout'); console.error('to stderr');",
        "fs.writeFileSync('out.txt','x');",
        "fs.writeFileSync(e.MODELWORKS_WORK_DIR+'/outputs.json',JSON.stringify({env:Object.fromEntries(keys.map(k=>[k,e[k]])),arg:process.argv[2]}));",
      ].join("\n"),
    );
    const spec = f.spec(`
name: env
params: {word: "two words; $(rm -rf /)"}
steps:
  - {name: show, type: command, run: [node, env.js, "\${params.word}"], inputs: [in.txt], outputs: [out.txt]}
`);
    const run = await f.runner.start(spec, { specPath: f.specPath });
    assert.equal(run.status, "succeeded", run.error);
    const [step] = await f.store.steps(run.id);
    const out = step?.outputs as { env: Record<string, string>; arg: string };
    assert.equal(out.arg, "two words; $(rm -rf /)", "arguments reach the program verbatim, no shell");
    assert.equal(out.env.MLFLOW_TRACKING_URI, "http://127.0.0.1:5999");
    assert.equal(out.env.MODELWORKS_TRACKING_URI, "http://127.0.0.1:5999");
    assert.equal(out.env.MODELWORKS_RUN_ID, step?.trackingRunId);
    assert.equal(out.env.MODELWORKS_PIPELINE_RUN_ID, run.id);
    assert.deepEqual(JSON.parse(out.env.MODELWORKS_INPUTS as string), [`${f.dir}/in.txt`]);
    assert.deepEqual(JSON.parse(out.env.MODELWORKS_OUTPUTS as string), [`${f.dir}/out.txt`]);
    assert.ok(out.env.MODELWORKS_WORK_DIR?.endsWith(`${run.id}/show`));
    assert.match(step?.log ?? "", /to stdout\nto stderr\n|to stderr\nto stdout\n/);
  });

  test("a non-zero exit fails the step with the code; a missing program is not retried", async () => {
    const spec = f.spec(`
name: exits
steps:
  - {name: bad, type: command, run: [node, -e, "process.exit(7)"]}
  - {name: missing, type: command, run: [no-such-program-xyz], retries: 3}
`);
    const run = await f.runner.start(spec, { specPath: f.specPath });
    const st = Object.fromEntries((await f.store.steps(run.id)).map((s) => [s.step, s]));
    assert.equal(st.bad?.error, "exited with code 7");
    assert.match(st.missing?.error ?? "", /command not found: 'no-such-program-xyz'/);
    assert.equal(st.missing?.attempts, 1);
    assert.deepEqual(f.sleeps, []);
  });

  test("a declared output the command did not write fails it; bad outputs.json fails it", async () => {
    const spec = f.spec(`
name: outs
steps:
  - {name: lazy, type: command, run: [node, -e, "0"], outputs: [never.txt]}
  - {name: badjson, type: command, run: [node, -e, "require('fs').writeFileSync(process.env.MODELWORKS_WORK_DIR+'/outputs.json','[1]')"]}
`);
    const run = await f.runner.start(spec, { specPath: f.specPath });
    const st = Object.fromEntries((await f.store.steps(run.id)).map((s) => [s.step, s]));
    assert.match(st.lazy?.error ?? "", /declared outputs were not written: never.txt/);
    assert.match(st.badjson?.error ?? "", /outputs.json must hold a JSON object/);
  });
});
