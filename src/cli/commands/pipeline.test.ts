/** `modelworks pipeline`: ingest → validate → train on the Telco CSV, the cache, failures, ls/show/resume. */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { resolveConfig } from "../../core/config.js";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { processAlive } from "../../pipelines/process-groups.js";
import { openPlatform } from "../../server/open-platform.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";

const PIPELINE = `name: churn
params: {trees: 20}
steps:
  - name: ingest
    type: ingest
    with: {file: "\${params.file}", dataset: "\${params.dataset}", label: Churn}
  - name: validate
    type: validate
    needs: [ingest]
    with: {dataset: "\${steps.ingest.outputs.dataset}@\${steps.ingest.outputs.version}", schema: telco@1}
  - name: train
    type: train
    needs: [ingest, validate]
    with:
      data: "\${steps.ingest.outputs.dataset}@\${steps.ingest.outputs.version}"
      label: Churn
      params: {n_estimators: "\${params.trees}"}
      register: churn
    cache: true
  - name: report
    type: command
    needs: [train]
    run: [node, -e, "console.log('auc', process.argv[1])", "\${steps.train.outputs.metrics.roc_auc}"]
`;

describe("modelworks pipeline (embedded store)", () => {
  let home: string;
  const run = async (...argv: string[]) => {
    const io = captureIo(home);
    const code = await main(argv, io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };
  const writePipeline = (file: string, dataset: string) =>
    writeFileSync(
      join(home, "churn.yaml"),
      PIPELINE.replace("params: {trees: 20}", `params: {trees: 20, file: "${file}", dataset: ${dataset}}`),
    );

  before(() => {
    home = mkdtempSync(join(tmpdir(), "mw-pipeline-cli-"));
    writePipeline(TELCO_CSV, "telco");
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test("ingest → validate → train → report runs, with a progress line per state change", async () => {
    const r = await run("pipeline", "run", "churn.yaml");
    assert.equal(r.code, 0, r.out + r.err);
    for (const step of ["ingest", "validate", "train", "report"]) {
      assert.match(r.out, new RegExp(`\\] ${step}: running`));
      assert.match(r.out, new RegExp(`\\] ${step}: succeeded in `));
    }
    assert.match(r.out, /Pipeline churn run [0-9a-f]{32}: succeeded/);
  });

  test("show --json has each step's outputs; a train step registers a model", async () => {
    const id = JSON.parse((await run("pipeline", "ls", "--json")).out)[0].run_id as string;
    const shown = JSON.parse((await run("pipeline", "show", id, "--json")).out);
    const steps = Object.fromEntries(shown.steps.map((s: { step: string }) => [s.step, s]));
    assert.deepEqual(
      { dataset: steps.ingest.outputs.dataset, version: steps.ingest.outputs.version },
      { dataset: "telco", version: 1 },
    );
    assert.equal(steps.validate.outputs.success, true);
    assert.equal(steps.train.outputs.model, "churn");
    assert.equal(steps.train.outputs.version, "1");
    assert.ok(steps.train.outputs.metrics.roc_auc > 0.8);
    assert.match(steps.report.log_tail, /auc 0\.\d+/);
    const runShown = JSON.parse((await run("runs", "show", steps.train.outputs.run_id, "--json")).out);
    assert.ok(
      JSON.stringify(runShown).includes(steps.train.tracking_run_id),
      "the training run's parent is the step run",
    );
  });

  test("a second run reuses the unchanged train step (cached, same model version)", async () => {
    const r = await run("pipeline", "run", "churn.yaml", "--json");
    assert.equal(r.code, 0, r.err);
    const steps = Object.fromEntries(JSON.parse(r.out).steps.map((s: { step: string }) => [s.step, s]));
    assert.equal(steps.ingest.status, "succeeded");
    assert.equal(steps.ingest.outputs.created, false);
    assert.equal(steps.train.status, "cached");
    assert.equal(steps.train.cached, true);
    assert.equal(steps.train.outputs.version, "1");
  });

  test("a changed param reruns train", async () => {
    const r = await run("pipeline", "run", "churn.yaml", "--param", "trees=21", "--json");
    assert.equal(r.code, 0, r.err);
    const train = JSON.parse(r.out).steps.find((s: { step: string }) => s.step === "train");
    assert.equal(train.status, "succeeded");
    assert.equal(train.outputs.version, "2");
  });

  test("data that fails validation fails the run (exit 1), skips train, and shows why", async () => {
    const bad = join(home, "bad.csv");
    const lines = readFileSync(TELCO_CSV, "utf8").split("\n").slice(0, 200);
    writeFileSync(
      bad,
      `${lines
        .map((l) =>
          l
            .split(",")
            .filter((_, i) => i !== 5)
            .join(","),
        )
        .join("\n")}\n`,
    );
    writePipeline(bad, "incoming");
    const r = await run("pipeline", "run", "churn.yaml");
    assert.equal(r.code, 1);
    assert.match(r.out, /validate: failed/);
    assert.match(r.out, /train: skipped: 'validate' failed/);
    assert.match(r.out, /Pipeline churn run [0-9a-f]+: failed \(step 'validate' failed: validation failed: /);
    const id = /run ([0-9a-f]{32}): failed/.exec(r.out)?.[1] as string;
    const shown = await run("pipeline", "show", id);
    assert.match(shown.out, /validate\s+failed\s+1\s+no/);
    assert.match(shown.out, /train\s+skipped/);
    assert.match(shown.out, /checks, \d+ failed/);
    // Fixing the data and resuming reruns only what did not succeed.
    writePipeline(TELCO_CSV, "incoming");
    const resumed = await run("pipeline", "resume", id);
    assert.equal(resumed.code, 1, "the run keeps its own spec and params, so the bad file fails again");
  });

  test("a run whose process is killed mid-run is resumed: finished steps are kept", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mw-pipeline-crash-"));
    try {
      writeFileSync(join(dir, "count.js"), "require('fs').appendFileSync(process.argv[2], 'x');");
      // The first time, the step kills the modelworks process running it (a crash mid-run).
      writeFileSync(
        join(dir, "crash.js"),
        "const fs=require('fs');if(!fs.existsSync('crashed')){fs.writeFileSync('crashed','');process.kill(process.ppid,'SIGKILL');setTimeout(()=>{},5000);}",
      );
      writeFileSync(
        join(dir, "crash.yaml"),
        `name: crashy
steps:
  - {name: first, type: command, run: [node, count.js, first.count]}
  - {name: crash, type: command, needs: [first], run: [node, crash.js]}
  - {name: last, type: command, needs: [crash], run: [node, count.js, last.count]}
`,
      );
      const entry = fileURLToPath(new URL("../entry.ts", import.meta.url));
      const killed = spawnSync(
        process.execPath,
        ["--import", import.meta.resolve("tsx"), entry, "pipeline", "run", "crash.yaml", "--home", home],
        // A short lease, so the killed process's lease has expired by the time we resume.
        { cwd: dir, encoding: "utf8", env: { ...process.env, MODELWORKS_PIPELINE_LEASE_MS: "300" } },
      );
      assert.equal(killed.signal, "SIGKILL", killed.stderr);
      const crashed = JSON.parse((await run("pipeline", "ls", "--pipeline", "crashy", "--json")).out)[0];
      assert.equal(crashed.status, "running", "the store still says running: nobody finished it");
      await new Promise((r) => setTimeout(r, 400));
      const resumed = await run("pipeline", "resume", crashed.run_id, "--json");
      assert.equal(resumed.code, 0, resumed.err);
      const steps = JSON.parse(resumed.out).steps.map((s: { step: string; status: string }) => `${s.step}:${s.status}`);
      assert.deepEqual(steps, ["first:succeeded", "crash:succeeded", "last:succeeded"]);
      assert.equal(readFileSync(join(dir, "first.count"), "utf8"), "x", "first ran once");
      assert.equal(readFileSync(join(dir, "last.count"), "utf8"), "x");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a run whose process got SIGKILL is marked interrupted by resume at once, and its orphaned command group is stopped first", {
    skip: process.platform !== "linux" && "reads /proc",
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "mw-pipeline-orphan-"));
    const lease = { MODELWORKS_PIPELINE_LEASE_MS: "600000" };
    try {
      // First time: start a grandchild in the same group and wait forever. On resume: record whether
      // the first copy and its grandchild are still alive (a zombie counts as gone).
      writeFileSync(
        join(dir, "long.js"),
        `const fs=require('fs');
const alive=(p)=>{try{return !/\\) [ZX] /.test(fs.readFileSync('/proc/'+p+'/stat','utf8'))}catch{return false}};
if(!fs.existsSync('first.pid')){
  const bg=require('child_process').spawn('sleep',['600'],{stdio:'ignore'});
  fs.writeFileSync('bg.pid',String(bg.pid));fs.writeFileSync('first.pid',String(process.pid));
  setInterval(()=>{},1000);
}else{
  const pid=(f)=>Number(fs.readFileSync(f,'utf8'));
  fs.writeFileSync('seen.json',JSON.stringify({first:alive(pid('first.pid')),bg:alive(pid('bg.pid'))}));
}`,
      );
      writeFileSync(
        join(dir, "long.yaml"),
        "name: orphan\nsteps:\n  - {name: long, type: command, run: [node, long.js]}\n",
      );
      const entry = fileURLToPath(new URL("../entry.ts", import.meta.url));
      const child = spawn(
        process.execPath,
        ["--import", import.meta.resolve("tsx"), entry, "pipeline", "run", "long.yaml", "--home", home],
        { cwd: dir, env: { ...process.env, ...lease }, stdio: "ignore" },
      );
      const exited = once(child, "exit");
      let runId = "";
      let recorded: { pid: number; process_group: number } | null = null;
      for (let i = 0; i < 1200 && !recorded; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const runs = JSON.parse((await run("pipeline", "ls", "--pipeline", "orphan", "--json")).out);
        runId = runs[0]?.run_id ?? "";
        if (!runId || !existsSync(join(dir, "bg.pid"))) continue;
        recorded = JSON.parse((await run("pipeline", "show", runId, "--json")).out).steps[0].process;
      }
      assert.ok(recorded, "the step recorded its process group");
      const first = Number(readFileSync(join(dir, "first.pid"), "utf8"));
      assert.equal(recorded.pid, first);
      child.kill("SIGKILL");
      await exited;
      const crashed = JSON.parse((await run("pipeline", "ls", "--pipeline", "orphan", "--json")).out)[0];
      assert.equal(crashed.status, "running", "nobody finished it");
      assert.equal(processAlive(first), true, "the command outlived the killed process");

      // The lease would last 10 minutes; resume sees its holder is gone and goes on now.
      const io = captureIo(home);
      io.env = { ...io.env, ...lease };
      const code = await main(["pipeline", "resume", runId, "--json"], io);
      assert.equal(code, 0, io.stderr.join("\n"));
      const resumed = JSON.parse(io.stdout.join("\n"));
      assert.equal(resumed.status, "succeeded");
      assert.deepEqual(
        JSON.parse(readFileSync(join(dir, "seen.json"), "utf8")),
        { first: false, bg: false },
        "the orphaned command and its child were stopped before the step ran again",
      );
      assert.match(resumed.steps[0].log_tail, /stopped process group \d+, left running by a stopped process/);
      assert.equal(resumed.steps[0].process, null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("pipeline cancel from another process stops a running pipeline run (its command is killed)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mw-pipeline-cancel-"));
    try {
      writeFileSync(
        join(dir, "slow.yaml"),
        "name: slow\nsteps:\n  - {name: wait, type: command, run: [node, -e, 'setTimeout(() => {}, 60000)']}\n  - {name: after, type: command, needs: [wait], run: [node, -e, '1']}\n",
      );
      const entry = fileURLToPath(new URL("../entry.ts", import.meta.url));
      const child = spawn(
        process.execPath,
        ["--import", import.meta.resolve("tsx"), entry, "pipeline", "run", join(dir, "slow.yaml"), "--home", home],
        { cwd: dir, env: { ...process.env, MODELWORKS_PIPELINE_LEASE_MS: "2000" } },
      );
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        out += d;
      });
      const exited = once(child, "exit");
      let id = "";
      for (let i = 0; i < 600 && !id; i++) {
        await new Promise((r) => setTimeout(r, 50));
        const runs = JSON.parse((await run("pipeline", "ls", "--pipeline", "slow", "--json")).out);
        if (runs[0]?.status === "running" && out.includes("wait")) id = runs[0].run_id;
      }
      assert.ok(id, "the run started");
      const started = Date.now();
      const cancel = await run("pipeline", "cancel", id);
      assert.equal(cancel.code, 0, cancel.err);
      assert.match(cancel.out, /cancel requested/);
      const [code] = await exited;
      assert.equal(code, 1);
      assert.ok(Date.now() - started < 15_000, "stopped long before the 60 s command would end");
      assert.match(out, new RegExp(`Pipeline slow run ${id}: cancelled`));
      const shown = JSON.parse((await run("pipeline", "show", id, "--json")).out);
      assert.deepEqual(
        shown.steps.map((s: { step: string; status: string }) => `${s.step}:${s.status}`),
        ["wait:failed", "after:skipped"],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a command step logs to MLflow over HTTP through MLFLOW_TRACKING_URI with its MLFLOW_TRACKING_TOKEN (the embedded store, served while the run lasts, refuses anonymous calls)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mw-pipeline-uri-"));
    try {
      writeFileSync(
        join(dir, "log.js"),
        `const uri = process.env.MLFLOW_TRACKING_URI;
if (!uri || uri !== process.env.MODELWORKS_TRACKING_URI) process.exit(4);
const body = { run_id: process.env.MODELWORKS_RUN_ID, key: "from_command", value: 0.75, timestamp: Date.now(), step: 0 };
const post = (headers) => fetch(uri + "/api/2.0/mlflow/runs/log-metric", {
  method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body),
});
post({}).then(async (anonymous) => {
  if (anonymous.status !== 401) process.exit(5);
  const r = await post({ authorization: "Bearer " + process.env.MLFLOW_TRACKING_TOKEN });
  if (!r.ok) process.exit(3);
});
`,
      );
      writeFileSync(join(dir, "uri.yaml"), "name: uri\nsteps:\n  - {name: log, type: command, run: [node, log.js]}\n");
      const r = await run("pipeline", "run", join(dir, "uri.yaml"), "--json");
      assert.equal(r.code, 0, r.err + r.out);
      const step = JSON.parse(r.out).steps[0];
      const shown = await run("runs", "show", step.tracking_run_id);
      assert.match(shown.out, /from_command = 0\.75/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("ls lists runs; bad files, params and ids are one-line errors", async () => {
    const ls = await run("pipeline", "ls");
    assert.match(ls.out, /RUN\s+PIPELINE\s+STATUS/);
    assert.match(ls.out, /churn\s+failed\s+manual/);
    writeFileSync(
      join(home, "broken.yaml"),
      "name: x\nsteps:\n  - {name: a, type: command, run: [ls], retries: {limit: -1}}\n",
    );
    const broken = await run("pipeline", "run", "broken.yaml");
    assert.equal(broken.code, 1);
    assert.match(broken.err, /broken.yaml:3: steps\[0\].retries.limit: expected a whole number from 0 to 10, got -1/);
    assert.match((await run("pipeline", "run", "churn.yaml", "--param", "nope=1")).err, /Unknown param 'nope'/);
    assert.match((await run("pipeline", "show", "nope")).err, /Pipeline run 'nope' does not exist/);
    const finished = JSON.parse((await run("pipeline", "ls", "--json")).out)[0];
    const cancel = await run("pipeline", "cancel", finished.run_id);
    assert.equal(cancel.code, 1);
    assert.match(cancel.err, /only queued or running runs can be cancelled/);
    assert.match((await run("pipeline", "cancel")).err, /pipeline cancel needs a RUN id/);
    assert.equal((await run("pipeline", "frobnicate")).code, 2);
  });
});

const CT_PIPELINE = `name: churn-ct
params: {trees: 5, file: "${TELCO_CSV}"}
steps:
  - name: ingest
    type: ingest
    with: {file: "\${params.file}", dataset: telco, label: Churn}
  - name: train
    type: train
    needs: [ingest]
    with:
      data: "\${steps.ingest.outputs.dataset}@\${steps.ingest.outputs.version}"
      label: Churn
      params: {n_estimators: "\${params.trees}"}
      register: churn
  - name: gate
    type: gate
    needs: [train]
    with:
      model: churn
      candidate: "\${steps.train.outputs.version}"
      eval: "\${steps.ingest.outputs.dataset}@\${steps.ingest.outputs.version}"
  - name: deploy
    type: deploy
    needs: [train, gate]
    when: "\${steps.gate.outputs.promote}"
    with:
      deployment: churn
      candidate: "churn/\${steps.train.outputs.version}"
      steps: [5, 25, 50, 100]
      interval: 1h
`;

describe("modelworks pipeline: ingest → train → gate → deploy", () => {
  let home: string;
  const run = async (...argv: string[]) => {
    const io = captureIo(home);
    const code = await main(argv, io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };
  const stepsOf = (out: string) =>
    Object.fromEntries(
      (JSON.parse(out).steps as { step: string; outputs: Record<string, unknown> | null; status: string }[]).map(
        (s) => [s.step, s],
      ),
    );

  before(() => {
    home = mkdtempSync(join(tmpdir(), "mw-pipeline-ct-"));
    writeFileSync(join(home, "ct.yaml"), CT_PIPELINE);
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test("the first model becomes champion and is deployed; a better one passes the gate and starts a canary", async () => {
    const first = await run("pipeline", "run", "ct.yaml", "--json");
    assert.equal(first.code, 0, first.out + first.err);
    const s1 = stepsOf(first.out);
    assert.equal(s1.gate?.outputs?.promote, true);
    assert.deepEqual(s1.deploy?.outputs?.rollout_id, null);
    assert.equal(s1.deploy?.status, "succeeded");

    const second = await run("pipeline", "run", "ct.yaml", "--param", "trees=40", "--json");
    assert.equal(second.code, 0, second.out + second.err);
    const s2 = stepsOf(second.out);
    assert.equal(s2.train?.outputs?.version, "2");
    assert.equal(s2.gate?.outputs?.promote, true, JSON.stringify(s2.gate?.outputs));
    const rolloutId = s2.deploy?.outputs?.rollout_id;
    assert.equal(typeof rolloutId, "string");

    const platform = await openPlatform(resolveConfig({ home }, {}, home));
    try {
      assert.equal((await platform.deployments.get("churn")).primary, "churn@champion");
      const champion = await platform.registry.getModelVersionByAlias({ name: "churn", alias: "champion" });
      assert.equal(champion.version, "1");
      const challenger = await platform.registry.getModelVersionByAlias({ name: "churn", alias: "challenger" });
      assert.equal(challenger.version, "2");
      const [rollout] = await platform.rollouts.list("churn", 1);
      assert.equal(rollout?.id, rolloutId);
      assert.equal(rollout?.spec.candidate, "churn/2");
      assert.deepEqual(rollout?.spec.steps, [5, 25, 50, 100]);
    } finally {
      await platform.close();
    }
  });
});
