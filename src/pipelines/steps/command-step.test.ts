/** The command step: no shell, its environment, outputs.json, exit codes, logs. */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { groupAlive, processAlive } from "../process-groups.js";
import type { RunnerFixture } from "../test-support/runner-fixture.js";
import { put, runnerFixture } from "../test-support/runner-fixture.js";

/** The platform process's environment as a test sets it: credentials a command must never see. */
const PLATFORM_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: "/home/modelworks",
  LANG: "C.UTF-8",
  MODELWORKS_STORE_URI: "postgresql://user:password@db.internal/modelworks",
  CHURN_WEBHOOK_SECRET: "hook-secret-value",
  AWS_SECRET_ACCESS_KEY: "aws-secret-value",
  FAKE_SECRET: "fake-secret-value",
  API_TOKEN: "tok-1234567890",
};

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

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
        "const keys=['MLFLOW_TRACKING_URI','MODELWORKS_TRACKING_URI','MLFLOW_TRACKING_TOKEN','MODELWORKS_TOKEN','MODELWORKS_RUN_ID','MODELWORKS_PIPELINE_RUN_ID','MODELWORKS_INPUTS','MODELWORKS_OUTPUTS','MODELWORKS_WORK_DIR'];",
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
    assert.equal(out.env.MLFLOW_TRACKING_TOKEN, "mwt_test-step-token", "commands can sign in to the server");
    assert.equal(out.env.MODELWORKS_TOKEN, "mwt_test-step-token");
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

  test("sees no platform variable but PATH, HOME, LANG...; sees its declared env literals and secrets", async () => {
    const g = await runnerFixture([], { env: PLATFORM_ENV });
    try {
      await put(
        g,
        "dump.js",
        [
          "const e=process.env;",
          "console.log('token is '+e.TOKEN);",
          "require('fs').writeFileSync(e.MODELWORKS_WORK_DIR+'/outputs.json',JSON.stringify({keys:Object.keys(e).sort(),",
          "MODE:e.MODE,REGION:e.REGION,HOME:e.HOME,tokenOk:e.TOKEN==='tok-1234567890',trigger:e.MODELWORKS_TRIGGER}));",
        ].join(""),
      );
      const spec = g.spec(`
name: envs
params: {region: eu}
env: {MODE: batch, TOKEN: {secret_env: API_TOKEN}}
steps:
  - name: show
    type: command
    run: [node, dump.js]
    env: {REGION: "\${params.region}", MODE: online}
`);
      const run = await g.runner.start(spec, { specPath: g.specPath });
      assert.equal(run.status, "succeeded", run.error);
      const [step] = await g.store.steps(run.id);
      const out = step?.outputs as { keys: string[]; MODE: string; REGION: string; HOME: string; tokenOk: boolean };
      for (const hidden of [
        "MODELWORKS_STORE_URI",
        "CHURN_WEBHOOK_SECRET",
        "AWS_SECRET_ACCESS_KEY",
        "FAKE_SECRET",
        "API_TOKEN",
      ]) {
        assert.ok(!out.keys.includes(hidden), `${hidden} must not reach the command`);
      }
      assert.ok(out.keys.includes("PATH"));
      assert.equal(out.HOME, "/home/modelworks");
      assert.deepEqual([out.MODE, out.REGION, out.tokenOk], ["online", "eu", true]);
      assert.match(step?.log ?? "", /token is \*\*\*/);
      assert.doesNotMatch(JSON.stringify(await g.store.steps(run.id)), /tok-1234567890|password|secret-value/);
    } finally {
      await g.close();
    }
  });

  test("a declared secret that is not set fails the step at once, naming the variable", async () => {
    const g = await runnerFixture([], { env: PLATFORM_ENV });
    try {
      const spec = g.spec(`
name: nosecret
steps:
  - {name: a, type: command, run: [node, -e, "0"], retries: 2, env: {TOKEN: {secret_env: NOT_SET_ANYWHERE}}}
`);
      const run = await g.runner.start(spec, { specPath: g.specPath });
      const [step] = await g.store.steps(run.id);
      assert.equal(step?.status, "failed");
      assert.equal(
        step?.error,
        "env.TOKEN: the secret variable NOT_SET_ANYWHERE is not set in the platform's environment",
      );
      assert.equal(step?.attempts, 1);
    } finally {
      await g.close();
    }
  });

  test("a git push's branch, commit and repository arrive as variables", async () => {
    await put(
      f,
      "git.js",
      "const e=process.env;require('fs').writeFileSync(e.MODELWORKS_WORK_DIR+'/outputs.json',JSON.stringify({b:e.MODELWORKS_GIT_BRANCH,c:e.MODELWORKS_GIT_COMMIT,r:e.MODELWORKS_GIT_REPOSITORY,t:e.MODELWORKS_TRIGGER}));",
    );
    const spec = f.spec("name: gitvars\nsteps:\n  - {name: a, type: command, run: [node, git.js]}\n");
    const data = { branch: "release/1.2", commit: "a".repeat(40), repository: "acme/churn" };
    const run = await f.runner.start(spec, { specPath: f.specPath, trigger: "git", triggerData: data });
    const [step] = await f.store.steps(run.id);
    assert.deepEqual(step?.outputs, { b: "release/1.2", c: "a".repeat(40), r: "acme/churn", t: "git" });
  });

  test("cancelling stops the command's whole process group, children included", async () => {
    const spec = f.spec(`
name: group
steps:
  - {name: a, type: command, run: [sh, -c, 'sleep 60 & echo $! > bg.pid; echo $$ > sh.pid; wait']}
`);
    const run = await f.runner.create(spec, { specPath: f.specPath });
    const controller = new AbortController();
    const done = f.runner.execute(run.id, undefined, controller.signal);
    await until(() => existsSync(join(f.dir, "bg.pid")) && existsSync(join(f.dir, "sh.pid")), "the command to start");
    const [bg, sh] = ["bg.pid", "sh.pid"].map((n) => Number(readFileSync(join(f.dir, n), "utf8")));
    const [recorded] = await f.store.steps(run.id);
    assert.equal(recorded?.process?.pgid, sh, "the step records its process group while it runs");
    controller.abort(new Error("cancelled"));
    assert.equal((await done).status, "cancelled");
    assert.equal(processAlive(bg as number), false, "the background child was stopped too");
    assert.equal(groupAlive(sh as number), false);
    const [step] = await f.store.steps(run.id);
    assert.equal(step?.process, undefined, "the record is cleared once the group is gone");
  });

  test("what a command leaves running in its group is stopped when it exits", async () => {
    const spec = f.spec(`
name: leftover
steps:
  - {name: a, type: command, run: [sh, -c, 'sleep 60 & echo $! > left.pid']}
`);
    const run = await f.runner.start(spec, { specPath: f.specPath });
    assert.equal(run.status, "succeeded", run.error);
    assert.equal(processAlive(Number(readFileSync(join(f.dir, "left.pid"), "utf8"))), false);
  });
});
