/**
 * `modelworks up --pipeline`: git webhooks (signed only, JSON only, bad JSON, branch filter, git's
 * naming rules, duplicate deliveries, the push reaching the command as variables) and cron parsing.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { StartOptions } from "../../pipelines/pipeline-runner.js";
import { PipelineService } from "../../pipelines/pipeline-service.js";
import type { PipelineSpec } from "../../pipelines/pipeline-spec.js";
import type { PipelineRun } from "../../pipelines/run-store.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";
import type { SpawnedCli } from "../test-support/spawn-cli.js";
import { spawnCli } from "../test-support/spawn-cli.js";
import { loadUpPipelines } from "./up-pipelines.js";

const SECRET = "hook-secret";

const push = (branch: string, commit = "a".repeat(40)) =>
  JSON.stringify({ ref: `refs/heads/${branch}`, after: commit, repository: { full_name: "acme/churn" } });
const sign = (body: string) => `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;

describe("modelworks up --pipeline", () => {
  let home: string;
  let server: SpawnedCli;
  let url: string;

  const runs = async (pipeline: string) => {
    const io = captureIo(home);
    assert.equal(await main(["pipeline", "ls", "--pipeline", pipeline, "--json"], io), 0, io.stderr.join("\n"));
    return JSON.parse(io.stdout.join("\n")) as { status: string; trigger: string }[];
  };
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${url}/hooks/git`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-github-event": "push", ...headers },
      body,
    });

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-up-pipelines-"));
    writeFileSync(
      join(home, "hooked.yaml"),
      `name: hooked
triggers:
  - git: {branch: "**", secret_env: MW_TEST_HOOK_SECRET}
steps:
  - {name: hello, type: command, run: [node, gitenv.js]}
`,
    );
    // What the command sees of the push, and of the platform's own environment.
    writeFileSync(
      join(home, "gitenv.js"),
      `const e = process.env;
require("fs").writeFileSync("seen-" + e.MODELWORKS_GIT_COMMIT + ".json", JSON.stringify({
  branch: e.MODELWORKS_GIT_BRANCH, commit: e.MODELWORKS_GIT_COMMIT, repository: e.MODELWORKS_GIT_REPOSITORY,
  trigger: e.MODELWORKS_TRIGGER, secret: e.MW_TEST_HOOK_SECRET ?? null, home: e.MODELWORKS_HOME ?? null,
}));`,
    );
    writeFileSync(
      join(home, "nightly.yaml"),
      `name: nightly
triggers:
  - cron: "* * * * *"
steps:
  - {name: hello, type: command, run: [node, -e, "console.log('hi')"]}
`,
    );
    server = await spawnCli(
      [
        "up",
        "--home",
        home,
        "--port",
        "0",
        "--json",
        "--pipeline",
        join(home, "hooked.yaml"),
        "--pipeline",
        join(home, "nightly.yaml"),
        "--trigger-tick-ms",
        "100",
      ],
      { MW_TEST_HOOK_SECRET: SECRET },
    );
    url = (JSON.parse(server.firstLine) as { url: string }).url;
  });

  after(async () => {
    await server?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  test("an unsigned or wrongly signed push is refused (401) and starts nothing", async () => {
    const body = push("main");
    assert.equal((await post(body)).status, 401);
    assert.equal((await post(body, { "x-hub-signature-256": sign(`${body} `) })).status, 401);
    assert.deepEqual(await runs("hooked"), []);
  });

  test("bad JSON is 400; a push to a branch no trigger takes starts nothing", async () => {
    assert.equal((await post("{nope", { "x-hub-signature-256": sign("{nope") })).status, 400);
    const tag = JSON.stringify({ ref: "refs/tags/v1", after: "a".repeat(40), repository: { full_name: "acme/churn" } });
    const r = await post(tag, { "x-hub-signature-256": sign(tag) });
    assert.equal(r.status, 202);
    assert.deepEqual(await r.json(), { started: [] });
  });

  test("a cross-site text/plain POST is refused; a signed body that is not JSON is 415", async () => {
    const body = push("main", "f".repeat(40));
    const plain = await fetch(`${url}/hooks/git`, { method: "POST", headers: { "content-type": "text/plain" }, body });
    assert.equal(plain.status, 401);
    const signed = await post(body, { "content-type": "text/plain", "x-hub-signature-256": sign(body) });
    assert.equal(signed.status, 415);
    assert.deepEqual(await runs("hooked"), []);
  });

  test("a branch or commit breaking git's rules is 400 and runs nothing", async () => {
    for (const body of [push("x$(id>pwned)", "e".repeat(40)), push("ok", "e".repeat(39)), push("a..b")]) {
      const r = await post(body, { "x-hub-signature-256": sign(body) });
      assert.equal(r.status, 400, body);
      assert.match(((await r.json()) as { message: string }).message, /Invalid push payload: '(ref|after)'/);
    }
    assert.deepEqual(await runs("hooked"), []);
    assert.equal(existsSync(join(home, "pwned")), false);
  });

  test("a signed push starts the pipeline once; its branch, commit and repository reach the command as variables", async () => {
    const commit = `${"0123456789abcdef".repeat(2)}01234567`;
    const body = push("release/1.2", commit);
    const headers = { "x-hub-signature-256": sign(body), "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958" };
    const r = await post(body, headers);
    assert.equal(r.status, 202, await r.clone().text());
    assert.deepEqual(await r.json(), { started: ["hooked"] });
    // GitHub redelivers with the same id; a replay carries the same signed body under a new id.
    const again = await post(body, headers);
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), { duplicate: true, started: [] });
    const replay = await post(body, { ...headers, "x-github-delivery": "replayed-1" });
    assert.deepEqual(await replay.json(), { duplicate: true, started: [] });
    const end = Date.now() + 20_000;
    let found: { status: string; trigger: string }[] = [];
    while (Date.now() < end) {
      found = await runs("hooked");
      if (found[0]?.status === "succeeded") break;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(found.length, 1);
    assert.deepEqual({ status: found[0]?.status, trigger: found[0]?.trigger }, { status: "succeeded", trigger: "git" });
    assert.deepEqual(JSON.parse(readFileSync(join(home, `seen-${commit}.json`), "utf8")), {
      branch: "release/1.2",
      commit,
      repository: "acme/churn",
      trigger: "git",
      secret: null,
      home: null,
    });
  });

  test("a cron pipeline is accepted (no run before its minute)", async () => {
    assert.doesNotMatch(server.stderr(), /warning: .*nightly/);
    assert.equal(server.proc.exitCode, null);
  });

  test("a pipeline file with a bad schedule stops up with the line at fault", async () => {
    writeFileSync(
      join(home, "bad.yaml"),
      `name: bad
triggers:
  - cron: "61 * * * *"
steps:
  - {name: hello, type: command, run: [node, -e, "1"]}
`,
    );
    await assert.rejects(
      spawnCli(["up", "--home", home, "--port", "0", "--json", "--pipeline", join(home, "bad.yaml")], {}),
      /exited 1 before printing: .*(bad|61)/s,
    );
  });
});

describe("alerts start pipelines", () => {
  test("alerts start pipelines through their alert triggers only; a rule naming another pipeline starts nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mw-up-alerts-"));
    try {
      const file = (name: string, trigger: string) => {
        writeFileSync(
          join(dir, `${name}.yaml`),
          `name: ${name}\n${trigger}steps:\n  - {name: a, type: command, run: [node, -e, "1"]}\n`,
        );
        return `${name}.yaml`;
      };
      const files = [
        file("retrain", "triggers:\n  - alert: {deployment: churn, rule: dataset_drift}\n"),
        file("gitonly", "triggers:\n  - git: {branch: main, secret_env: HOOK}\n"),
      ];
      const started: { name: string; trigger: string | undefined }[] = [];
      const service = {
        load: (path: string) => new PipelineService({} as never).load(path),
        recover: async () => [],
        start: async (spec: PipelineSpec, o: StartOptions) => {
          started.push({ name: spec.name, trigger: o.trigger });
          const run = { id: "r", status: "succeeded" } as PipelineRun;
          return { run, done: Promise.resolve(run) };
        },
      } as unknown as PipelineService;
      const io = { ...captureIo(dir), env: {} };
      const p = await loadUpPipelines(files, service, io);
      const alert = {
        id: "1",
        deployment: "churn",
        rule: "dataset_drift",
        status: "firing" as const,
        firstTime: 0,
        lastTime: 0,
        value: 0.3,
        threshold: 0.2,
        message: "drift",
      };
      // A rule naming a pipeline without an alert trigger (here: one with only a git trigger) starts nothing.
      assert.deepEqual(await p.onAlertFired({ ...alert, pipeline: "gitonly" }), ["retrain"]);
      assert.match(io.stderr.join("\n"), /names pipeline 'gitonly', not started: it has no alert trigger/);
      assert.deepEqual(await p.onAlertFired({ ...alert, deployment: "other", pipeline: "retrain" }), []);
      assert.match(
        io.stderr.join("\n"),
        /names pipeline 'retrain', not started: it has no alert trigger for dataset_drift on other/,
      );
      assert.deepEqual(await p.onAlertFired({ ...alert, pipeline: "retrain" }), ["retrain"]);
      assert.deepEqual(started, [
        { name: "retrain", trigger: "alert" },
        { name: "retrain", trigger: "alert" },
      ]);
      assert.equal(p.pipelineProblem("retrain", "churn", "dataset_drift"), undefined);
      assert.match(p.pipelineProblem("gitonly", "churn", "dataset_drift") ?? "", /no alert trigger/);
      assert.match(p.pipelineProblem("nope", "churn", "dataset_drift") ?? "", /no --pipeline file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
