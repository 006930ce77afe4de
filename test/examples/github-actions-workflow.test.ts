/**
 * examples/github-actions: the workflow's commands, read from its YAML, run as GitHub's runner would
 * (each `run:` with `bash -e -o pipefail`, `${{ vars.* }}`, `${{ secrets.* }}` and `${{ github.* }}`
 * filled in, `uses:` steps skipped) in a checkout holding a passing training test, against a spawned
 * `modelworks up --pipeline` and a real token of a user with edit on the pipelines: a run that
 * succeeds passes the workflow, a failing run fails it with the step's log, a pipeline the token may
 * not start fails it with the 403.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../../src/cli/test-support/capture-io.js";
import type { SpawnedCli } from "../../src/cli/test-support/spawn-cli.js";
import { spawnCli } from "../../src/cli/test-support/spawn-cli.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const WORKFLOW = join(ROOT, "examples/github-actions/ci-ct.yml");

interface Step {
  name?: string;
  uses?: string;
  run?: string;
}
interface Job {
  needs?: string | string[];
  env?: Record<string, string>;
  steps: Step[];
}

/** `${{ vars.X }}`, `${{ secrets.X }}`, `${{ github.X }}` from `context`; anything else is refused. */
function expand(text: string, context: Record<string, string>): string {
  return text.replace(/\$\{\{\s*([a-z]+\.[A-Za-z_]+)\s*\}\}/g, (_, key: string) => {
    const value = context[key];
    if (value === undefined) throw new Error(`the workflow uses \${{ ${key} }}, which the test does not provide`);
    return value;
  });
}

/** Run the jobs in order as the runner would; the first failing step ends it. */
function runWorkflow(checkout: string, context: Record<string, string>): { code: number; output: string } {
  const workflow = parse(readFileSync(WORKFLOW, "utf8")) as { jobs: Record<string, Job> };
  let output = "";
  for (const [name, job] of Object.entries(workflow.jobs)) {
    const env = Object.fromEntries(Object.entries(job.env ?? {}).map(([k, v]) => [k, expand(String(v), context)]));
    for (const step of job.steps) {
      if (!step.run) continue;
      const r = spawnSync("bash", ["--noprofile", "--norc", "-e", "-o", "pipefail", "-c", expand(step.run, context)], {
        cwd: checkout,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, POLL_SECONDS: "0.2", TIMEOUT_SECONDS: "120", ...env },
        encoding: "utf8",
      });
      output += `## ${name}: ${step.name ?? step.run}\n${r.stdout}${r.stderr}`;
      if (r.status !== 0) return { code: r.status ?? 1, output };
    }
  }
  return { code: 0, output };
}

const PIPELINE = (name: string, run: string) => `name: ${name}
params: {git_commit: none}
steps:
  - name: train
    type: command
    run: ${run}
`;

describe("examples/github-actions: the CI/CT workflow against a local modelworks up", () => {
  let home: string;
  let checkout: string;
  let server: SpawnedCli;
  let context: Record<string, string>;
  const cli = async (...args: string[]) => {
    const io = captureIo(home);
    const code = await main([...args, "--home", home], io);
    assert.equal(code, 0, io.stderr.join("\n"));
    return io.stdout.join("\n");
  };

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-gha-"));
    mkdirSync(join(home, "pipelines"));
    const pipelines = {
      "ct-smoke": `[node, -e, "console.log('trained at commit ' + process.argv[1])", "\${params.git_commit}"]`,
      "ct-broken": `[node, -e, "console.error('ValueError: no label column'); process.exit(3)"]`,
      "ct-other": "[node, -e, '0']",
    };
    const files = Object.entries(pipelines).map(([name, run]) => {
      const file = join(home, "pipelines", `${name}.yaml`);
      writeFileSync(file, PIPELINE(name, run));
      return file;
    });
    server = await spawnCli(
      ["up", "--home", home, "--port", "0", "--json", ...files.flatMap((f) => ["--pipeline", f])],
      {
        MODELWORKS_HOME: home,
      },
    );
    const url = (JSON.parse(server.firstLine) as { url: string }).url;
    // A real user and token, with edit on two of the three pipelines (as the workflow's comments say).
    await cli("users", "create", "ci-bot", "--password", "ci-bot-password-1");
    await cli("permissions", "set", "pipeline", "ct-smoke", "ci-bot", "EDIT");
    await cli("permissions", "set", "pipeline", "ct-broken", "ci-bot", "EDIT");
    const token = (JSON.parse(await cli("tokens", "create", "--user", "ci-bot", "--json")) as { token: string }).token;
    // The training repository's checkout: its tests, and the example's script where the workflow calls it.
    checkout = join(home, "checkout");
    mkdirSync(join(checkout, "tests"), { recursive: true });
    writeFileSync(
      join(checkout, "tests", "test_features.py"),
      "import unittest\n\nclass Features(unittest.TestCase):\n    def test_tenure_bucket(self):\n        self.assertEqual(min(72, 80), 72)\n",
    );
    symlinkSync(join(ROOT, "examples"), join(checkout, "examples"));
    context = {
      "vars.MODELWORKS_URL": url,
      "secrets.MODELWORKS_TOKEN": token,
      "github.sha": "4f14a10c0ffee",
      "github.ref": "refs/heads/main",
    };
  });
  after(async () => {
    await server?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  test("tests pass, the pipeline run succeeds: the workflow passes; the run was started through the API", async () => {
    const { code, output } = runWorkflow(checkout, { ...context, "vars.MODELWORKS_PIPELINE": "ct-smoke" });
    assert.equal(code, 0, output);
    assert.match(output, /Ran 1 test/);
    const id = /pipeline ct-smoke: run (\S+) succeeded/.exec(output)?.[1];
    assert.ok(id, output);
    const shown = JSON.parse(await cli("pipeline", "show", id, "--json")) as {
      trigger: string;
      params: Record<string, unknown>;
      steps: { log?: string }[];
    };
    assert.equal(shown.trigger, "api");
    assert.equal(shown.params.git_commit, "4f14a10c0ffee");
    assert.ok(!output.includes(context["secrets.MODELWORKS_TOKEN"] as string), "the token is never printed");
  });

  test("a failing pipeline run fails the workflow, with the failed step's log", () => {
    const { code, output } = runWorkflow(checkout, { ...context, "vars.MODELWORKS_PIPELINE": "ct-broken" });
    assert.equal(code, 1, output);
    assert.match(output, /pipeline ct-broken: run \S+ failed: step 'train' failed: exited with code 3/);
    assert.match(output, /ValueError: no label column/);
  });

  test("a pipeline the token may not start fails the workflow with the 403; an unknown one with the 404", () => {
    const denied = runWorkflow(checkout, { ...context, "vars.MODELWORKS_PIPELINE": "ct-other" });
    assert.equal(denied.code, 2, denied.output);
    assert.match(denied.output, /HTTP 403/);
    const missing = runWorkflow(checkout, { ...context, "vars.MODELWORKS_PIPELINE": "ct-none" });
    assert.equal(missing.code, 2, missing.output);
    assert.match(missing.output, /HTTP (403|404)/);
  });
});
