/** Pipeline `notify`: parsed with line-numbered errors; failed runs tell each target once, signed; successes tell nobody. */
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { OutboundPolicy } from "../auth/outbound-policy.js";
import type { CaptureServer } from "../core/test-support/capture-server.js";
import { captureServer } from "../core/test-support/capture-server.js";
import { SIGNATURE_HEADER } from "../monitoring/alerts/notifiers.js";
import { verifySignature } from "../monitoring/alerts/signature.js";
import { pipelineNotifier } from "./notify.js";
import { parsePipeline } from "./parse-pipeline.js";
import { PipelineService } from "./pipeline-service.js";
import type { StepExecutor } from "./step-executor.js";
import { PermanentStepError } from "./step-executor.js";
import type { RunnerFixture } from "./test-support/runner-fixture.js";
import { runnerFixture } from "./test-support/runner-fixture.js";

const STEPS =
  "steps:\n  - {name: check, type: validate, with: {ok: false}}\n  - {name: after, type: command, needs: [check], run: [node, -e, '0']}\n";

describe("parsing notify", () => {
  test("webhook, slack and log targets", () => {
    const spec = parsePipeline(
      `name: n\nnotify:\n  - webhook: https://h.example/x\n    secret_env: HOOK_SECRET\n  - slack: https://hooks.slack.test/y\n  - log\n${STEPS}`,
    );
    assert.deepEqual(spec.notify, [
      { type: "webhook", url: "https://h.example/x", secretEnv: "HOOK_SECRET" },
      { type: "slack", url: "https://hooks.slack.test/y" },
      { type: "log" },
    ]);
    assert.equal(parsePipeline(`name: n\n${STEPS}`).notify, undefined);
  });

  test("a bad entry is an error naming its line and field", () => {
    const yaml = `name: n\nnotify:\n  - log\n  - email: a@b.c\n  - webhook: ftp://x\n  - slack: https://s\n    secret_env: X\n${STEPS}`;
    assert.throws(
      () => parsePipeline(yaml, "/tmp/p.yaml"),
      (e: Error) =>
        /p\.yaml:4: notify\[1\]: expected exactly one of webhook, slack, log/.test(e.message) &&
        /p\.yaml:5: notify\[2\]\.webhook: only http and https URLs are allowed/.test(e.message) &&
        /p\.yaml:7: notify\[3\]\.secret_env: unknown key/.test(e.message),
    );
    assert.throws(
      () => parsePipeline(`name: n\nnotify: log\n${STEPS}`, "p.yaml"),
      /p\.yaml:2: notify: expected a list/,
    );
  });
});

describe("notifying failed runs", () => {
  let f: RunnerFixture;
  let server: CaptureServer;
  let service: PipelineService;
  const lines: string[] = [];
  const warnings: string[] = [];
  const validate: StepExecutor = {
    run: async (ctx) => {
      if (ctx.settings.ok !== true) throw new PermanentStepError("validation failed: Churn: not_null");
      return { success: true };
    },
  };
  before(async () => {
    server = await captureServer();
    f = await runnerFixture([["validate", validate]]);
    service = new PipelineService({
      runner: f.runner,
      store: f.store,
      leases: f.leases,
      notify: pipelineNotifier({
        log: (l) => lines.push(l),
        warn: (l) => warnings.push(l),
        env: { HOOK_SECRET: "s3cret" },
        // The capture server listens on loopback, which is refused unless listed.
        outbound: OutboundPolicy.parse(["127.0.0.1"]),
      }),
    });
  });
  after(async () => {
    await server.close();
    await f.close();
  });

  const yaml = (ok: boolean) =>
    `name: notified\nnotify:\n  - webhook: ${server.url}/hook\n    secret_env: HOOK_SECRET\n  - log\n` +
    `steps:\n  - {name: check, type: validate, with: {ok: ${ok}}}\n  - {name: after, type: command, needs: [check], run: [node, -e, '0']}\n`;

  test("a failed validate step notifies the webhook once, signed, and the log", async () => {
    const run = await service.run(f.spec(yaml(false)));
    assert.equal(run.status, "failed");
    assert.equal(server.requests.length, 1);
    const req = server.requests[0];
    assert.ok(req);
    assert.equal(req.url, "/hook");
    assert.ok(verifySignature("s3cret", req.body, req.headers[SIGNATURE_HEADER.toLowerCase()] as string));
    assert.deepEqual(JSON.parse(req.body), {
      pipeline: "notified",
      run_id: run.id,
      status: "failed",
      failed_step: "check",
      error: "data validation failed: Churn: not_null",
    });
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? "", /^pipeline notified run \w+: data validation failed at step 'check': /);
    assert.deepEqual(warnings, []);
  });

  test("a succeeding run notifies nobody", async () => {
    server.requests.length = 0;
    lines.length = 0;
    const run = await service.run(f.spec(yaml(true)));
    assert.equal(run.status, "succeeded");
    assert.equal(server.requests.length, 0);
    assert.deepEqual(lines, []);
  });

  test("a missing secret only warns: the webhook is not sent, the run stays failed", async () => {
    server.requests.length = 0;
    const spec = f.spec(yaml(false).replace("HOOK_SECRET", "NOPE"));
    const run = await service.run(spec);
    assert.equal(run.status, "failed");
    assert.equal(server.requests.length, 0);
    assert.match(warnings.join("\n"), /NOPE is not set; the webhook to 127\.0\.0\.1:\d+ was not sent/);
  });
});

describe("notify targets and the outbound policy", () => {
  let f: RunnerFixture;
  let server: CaptureServer;
  let dir: string;
  const warnings: string[] = [];
  const validate: StepExecutor = {
    run: async () => {
      throw new PermanentStepError("validation failed: Churn: not_null");
    },
  };
  const yaml = (url: string) =>
    `name: guarded\nnotify:\n  - slack: ${url}\nsteps:\n  - {name: check, type: validate, with: {ok: false}}\n`;
  const service = (allow: string[]) =>
    new PipelineService({
      runner: f.runner,
      store: f.store,
      leases: f.leases,
      notify: pipelineNotifier({
        log: () => {},
        warn: (l) => warnings.push(l),
        env: {},
        outbound: OutboundPolicy.parse(allow),
      }),
      outbound: OutboundPolicy.parse(allow),
    });

  before(async () => {
    server = await captureServer();
    f = await runnerFixture([["validate", validate]]);
    dir = await mkdtemp(join(tmpdir(), "mw-notify-outbound-"));
  });
  after(async () => {
    await server.close();
    await f.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("loading a pipeline whose notify URL is not allowed fails naming the file, the field and the host", async () => {
    const file = join(dir, "p.yaml");
    await writeFile(file, yaml(`${server.url}/services/T/B/pipe-secret-1`));
    await assert.rejects(service([]).load(file), (e: Error) => {
      assert.match(
        e.message,
        /p\.yaml: Invalid value for 'notify\[0\]\.slack': host '127\.0\.0\.1:\d+' is not in the outbound allow-list/,
      );
      assert.ok(!e.message.includes("pipe-secret-1"), e.message);
      return true;
    });
    assert.equal((await service(["127.0.0.1"]).load(file)).notify?.length, 1);
  });

  test("at call time a refused target is not sent; the warning has no secret", async () => {
    warnings.length = 0;
    const run = await service(["*"]).run(f.spec(yaml(`${server.url}/services/T/B/pipe-secret-2`)));
    assert.equal(run.status, "failed");
    assert.equal(server.requests.length, 0);
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0] ?? "",
      /^pipeline notify: slack 127\.0\.0\.1:\d+ failed: refused: .*not a public address \(loopback\)/,
    );
    assert.ok(!warnings[0]?.includes("pipe-secret-2"));
  });
});
