/** `modelworks up --pipeline`: git webhooks (signed, unsigned, bad JSON, branch filter) and cron parsing. */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
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

const push = (branch: string) =>
  JSON.stringify({ ref: `refs/heads/${branch}`, after: "a".repeat(40), repository: { full_name: "acme/churn" } });
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
  - git: {branch: main, secret_env: MW_TEST_HOOK_SECRET}
steps:
  - {name: hello, type: command, run: [node, -e, "console.log('hi')"]}
`,
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

  test("bad JSON is 400; a push to another branch starts nothing", async () => {
    assert.equal((await post("{nope", { "x-hub-signature-256": sign("{nope") })).status, 400);
    const other = push("dev");
    const r = await post(other, { "x-hub-signature-256": sign(other) });
    assert.equal(r.status, 202);
    assert.deepEqual(await r.json(), { started: [] });
  });

  test("a signed push to main starts the pipeline (trigger git)", async () => {
    const body = push("main");
    const r = await post(body, { "x-hub-signature-256": sign(body) });
    assert.equal(r.status, 202, await r.clone().text());
    assert.deepEqual(await r.json(), { started: ["hooked"] });
    const end = Date.now() + 20_000;
    let found: { status: string; trigger: string }[] = [];
    while (Date.now() < end) {
      found = await runs("hooked");
      if (found[0]?.status === "succeeded") break;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(found.length, 1);
    assert.deepEqual({ status: found[0]?.status, trigger: found[0]?.trigger }, { status: "succeeded", trigger: "git" });
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
  test("a rule's pipeline and a matching alert trigger each start their pipeline once", async () => {
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
        file("named", ""),
      ];
      const started: { name: string; trigger: string | undefined }[] = [];
      const service = {
        load: (path: string) => new PipelineService({} as never).load(path),
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
      assert.deepEqual(await p.onAlertFired({ ...alert, pipeline: "named" }), ["retrain", "named"]);
      assert.deepEqual(await p.onAlertFired({ ...alert, deployment: "other", pipeline: "retrain" }), ["retrain"]);
      assert.deepEqual(await p.onAlertFired({ ...alert, deployment: "other" }), []);
      assert.deepEqual(started, [
        { name: "retrain", trigger: "alert" },
        { name: "named", trigger: "alert" },
        { name: "retrain", trigger: "alert" },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
