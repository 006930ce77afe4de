/** Parsing pipeline YAML: defaults, and errors that name the line and the field. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parsePipeline } from "./parse-pipeline.js";

const GOOD = `name: churn
description: retrain the churn model
params:
  n_estimators: 20
concurrency: skip
triggers:
  - cron: "0 3 * * *"
    timezone: Europe/Paris
  - git: {branch: main, secret_env: HOOK_SECRET}
  - folder: {path: incoming, pattern: "*.csv"}
  - alert: {deployment: churn, rule: drift}
steps:
  - name: ingest
    type: ingest
    with: {file: telco.csv, dataset: telco}
  - name: train
    type: train
    needs: [ingest]
    with:
      data: "\${steps.ingest.outputs.dataset}@\${steps.ingest.outputs.version}"
      params: {n_estimators: "\${params.n_estimators}"}
    retries: {limit: 2, backoff: 5s, factor: 3, max_backoff: 2m}
    timeout: 30m
    cache: true
  - name: report
    type: command
    needs: [train]
    run: [python, report.py, 1]
`;

/** The error message of parsing `yaml`. */
function errorOf(yaml: string): string {
  try {
    parsePipeline(yaml, "/some/where/churn.yaml");
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail("expected a parse error");
}

describe("parsePipeline", () => {
  test("parses a full pipeline with defaults filled in", () => {
    const spec = parsePipeline(GOOD, "churn.yaml");
    assert.equal(spec.name, "churn");
    assert.equal(spec.concurrency, "skip");
    assert.deepEqual(spec.triggers, [
      { type: "cron", schedule: "0 3 * * *", timezone: "Europe/Paris" },
      { type: "git", branch: "main", secretEnv: "HOOK_SECRET" },
      { type: "folder", path: "incoming", pattern: "*.csv" },
      { type: "alert", deployment: "churn", rule: "drift" },
    ]);
    const [ingest, train, report] = spec.steps;
    assert.deepEqual(ingest?.retries, { limit: 0, backoffMs: 1000, factor: 2, maxBackoffMs: 60_000 });
    assert.equal(ingest?.timeoutMs, 3_600_000);
    assert.equal(ingest?.cache, false);
    assert.equal(ingest?.line, 13);
    assert.deepEqual(train?.retries, { limit: 2, backoffMs: 5000, factor: 3, maxBackoffMs: 120_000 });
    assert.equal(train?.timeoutMs, 1_800_000);
    assert.equal(train?.cache, true);
    assert.deepEqual(report?.run, ["python", "report.py", "1"]);
    assert.deepEqual(
      parsePipeline("name: x\nsteps:\n  - {name: a, type: command, run: [true]}\n").concurrency,
      "queue",
    );
  });

  test("a bad retry limit names the file, line and field path", () => {
    const yaml = GOOD.replace("retries: {limit: 2,", "retries: {limit: -1,");
    assert.equal(errorOf(yaml), "churn.yaml:22: steps[1].retries.limit: expected a whole number from 0 to 10, got -1");
  });

  test("unknown keys are refused at their line", () => {
    assert.equal(
      errorOf("name: x\nsteps:\n  - name: a\n    type: command\n    run: [ls]\n    retry: 3\n"),
      "churn.yaml:6: steps[0].retry: unknown key (expected one of name, type, needs, with, run, env, inputs, outputs, when, retries, timeout, cache, image, command, args, resources)",
    );
    assert.match(errorOf("name: x\nschedule: daily\nsteps: []\n"), /^churn.yaml:2: schedule: unknown key/m);
  });

  test("duplicate names, unknown needs and unknown types", () => {
    const msg = errorOf(`name: x
steps:
  - {name: a, type: command, run: [ls]}
  - {name: a, type: command, run: [ls]}
  - {name: b, type: training, needs: [zzz]}
`);
    assert.match(msg, /^churn.yaml:4: steps\[1\].name: duplicate step name 'a' \(also steps\[0\]\)$/m);
    assert.match(msg, /^churn.yaml:5: steps\[2\].type: expected one of ingest, validate, train, .*got 'training'$/m);
    assert.match(msg, /^churn.yaml:5: steps\[2\].needs\[0\]: no step named 'zzz'$/m);
  });

  test("a cycle is named", () => {
    const msg = errorOf(`name: x
steps:
  - {name: a, type: command, run: [ls], needs: [c]}
  - {name: b, type: command, run: [ls], needs: [a]}
  - {name: c, type: command, run: [ls], needs: [b]}
`);
    assert.equal(msg, "churn.yaml:3: steps[0].needs: dependency cycle: a → c → b → a");
  });

  test("command needs run as a list of strings", () => {
    assert.match(
      errorOf("name: x\nsteps:\n  - name: a\n    type: command\n"),
      /^churn.yaml:3: steps\[0\].run: a command step needs run: a list of strings/,
    );
    assert.match(
      errorOf("name: x\nsteps:\n  - name: a\n    type: command\n    run: [ls, {x: 1}]\n"),
      /^churn.yaml:5: steps\[0\].run\[1\]: expected a non-empty string, got a mapping$/,
    );
  });

  test("durations, booleans, concurrency and triggers are checked", () => {
    const msg = errorOf(`name: x
concurrency: parallel
triggers:
  - cron: "every day"
  - git: {branch: main, secret_env: X, secret: X}
  - webhook: {}
  - cron: "61 * * * *"
  - registry: {alias: champion}
  - registry: {model: churn, alias: "no spaces", version: 2}
steps:
  - {name: a, type: command, run: [ls], timeout: soon, cache: "yes"}
`);
    assert.match(msg, /^churn.yaml:2: concurrency: expected one of queue, skip, got 'parallel'$/m);
    assert.match(
      msg,
      /^churn.yaml:4: triggers\[0\].cron: Invalid cron expression 'every day': expected 5 fields .*got 2\. \(for example "0 3 \* \* \*"\)$/m,
    );
    assert.match(msg, /^churn.yaml:7: triggers\[3\].cron: .*minute.*61/m);
    assert.match(msg, /^churn.yaml:5: triggers\[1\].git.secret: unknown key/m);
    assert.match(msg, /^churn.yaml:6: triggers\[2\]: expected exactly one of cron, git, folder, alert, registry$/m);
    assert.match(
      msg,
      /^churn.yaml:8: triggers\[4\].registry.model: a registry trigger needs the registered model's name/m,
    );
    assert.match(msg, /^churn.yaml:9: triggers\[5\].registry.version: unknown key/m);
    assert.match(msg, /^churn.yaml:9: triggers\[5\].registry.alias: expected an alias name/m);
    assert.match(msg, /^churn.yaml:11: steps\[0\].timeout: expected a duration such as 500ms, 30s or 5m, got 'soon'$/m);
    assert.match(msg, /^churn.yaml:11: steps\[0\].cache: expected true or false, got 'yes'$/m);
  });

  test("registry triggers: an alias to follow, or new versions of a model", () => {
    const spec = parsePipeline(
      "name: x\ntriggers:\n  - registry: {model: churn, alias: champion}\n  - registry: {model: churn}\nsteps:\n  - {name: a, type: command, run: [ls]}\n",
      "x.yaml",
    );
    assert.deepEqual(spec.triggers, [
      { type: "registry", model: "churn", alias: "champion" },
      { type: "registry", model: "churn" },
    ]);
  });

  test("a step without a type gets one error naming the types", () => {
    const msg = errorOf("name: x\nsteps:\n  - {name: a, run: [ls]}\n");
    const lines = msg.split("\n").filter((l) => l.includes("steps[0].type"));
    assert.equal(lines.length, 1, msg);
    assert.match(lines[0] ?? "", /^churn.yaml:3: steps\[0\].type: missing \(expected one of ingest, /);
  });

  test("references must name declared params and upstream steps", () => {
    const msg = errorOf(`name: x
steps:
  - {name: a, type: command, run: [echo, "\${params.nope}"]}
  - {name: b, type: command, run: [echo, "\${steps.c.outputs.y}"]}
  - {name: c, type: command, run: [ls]}
`);
    assert.match(msg, /^churn.yaml:3: steps\[0\].run: \$\{params.nope\} refers to an undeclared param/m);
    assert.match(
      msg,
      /^churn.yaml:4: steps\[1\].run: \$\{steps.c...\} refers to 'c', which is not among the steps it needs$/m,
    );
  });

  test("YAML syntax errors and a missing name", () => {
    assert.match(errorOf("name: x\nsteps:\n  - {name: a\n"), /^churn.yaml:\d+: not valid YAML: /);
    assert.match(
      errorOf("steps:\n  - {name: a, type: command, run: [ls]}\n"),
      /^churn.yaml:1: name: expected a non-empty string, got nothing$/,
    );
    assert.match(errorOf("- a\n"), /^churn.yaml:1: \(top level\): expected a mapping, got a list$/);
  });

  test("a git trigger without a secret is refused", () => {
    const msg = errorOf(`name: x
triggers:
  - git: {branch: main}
  - git:
  - git: {secret_env: "not a name"}
steps:
  - {name: a, type: command, run: [ls]}
`);
    assert.match(
      msg,
      /^churn.yaml:3: triggers\[0\].git.secret_env: a git trigger needs secret_env: the environment variable holding the webhook's secret \(unsigned pushes are refused\)$/m,
    );
    assert.match(msg, /^churn.yaml:4: triggers\[1\].git.secret_env: a git trigger needs secret_env/m);
    assert.match(msg, /^churn.yaml:5: triggers\[2\].git.secret_env: expected an environment variable name/m);
  });

  test("env: literals and secret references at the top and on command steps", () => {
    const spec = parsePipeline(
      `name: x
params: {region: eu}
env: {MODE: batch, RETRIES: 3, TOKEN: {secret_env: API_TOKEN}}
steps:
  - name: a
    type: command
    run: [ls]
    env: {REGION: "\${params.region}", MODE: online}
  - {name: b, type: command, needs: [a], run: [ls], env: {OUT: "\${steps.a.outputs.path}"}}
`,
      "x.yaml",
    );
    assert.deepEqual(spec.env, { MODE: "batch", RETRIES: "3", TOKEN: { secretEnv: "API_TOKEN" } });
    assert.deepEqual(spec.steps[0]?.env, { REGION: `\${params.region}`, MODE: "online" });
    assert.deepEqual(spec.steps[1]?.env, { OUT: `\${steps.a.outputs.path}` });
    const msg = errorOf(`name: x
env: {"1BAD": x, MODELWORKS_STORE_URI: x, L: [1], S: {secret_env: A, other: 1}, P: "\${params.nope}"}
steps:
  - {name: a, type: train, env: {A: b}}
  - {name: b, type: command, run: [ls], env: {C: "\${steps.z.outputs.y}"}}
`);
    assert.match(msg, /^churn.yaml:2: env.1BAD: expected an environment variable name/m);
    assert.match(msg, /^churn.yaml:2: env.MODELWORKS_STORE_URI: the platform sets MODELWORKS_\*/m);
    assert.match(msg, /^churn.yaml:2: env.L: expected text or \{secret_env: NAME\}, got a list$/m);
    assert.match(msg, /^churn.yaml:2: env.S.other: unknown key \(expected one of secret_env\)$/m);
    assert.match(msg, /^churn.yaml:2: env: \$\{params.nope\} refers to an undeclared param/m);
    assert.match(msg, /^churn.yaml:4: steps\[0\].env: only command and container steps take env$/m);
    assert.match(msg, /^churn.yaml:5: steps\[1\].env: \$\{steps.z...\} refers to 'z', which is not among/m);
  });

  test("a reference inside code a shell or interpreter runs is refused; as its own argument it is fine", () => {
    const msg = errorOf(`name: x
params: {branch: main}
steps:
  - {name: a, type: command, run: [sh, -c, "git checkout \${params.branch}"]}
  - {name: b, type: command, run: [/usr/bin/env, FOO=1, bash, -ec, "echo \${params.branch}"]}
  - {name: c, type: command, run: [python3, -c, "print('\${params.branch}')"]}
`);
    assert.match(
      msg,
      /^churn.yaml:4: steps\[0\].run\[2\]: a \$\{\.\.\.\} reference in code a shell or interpreter runs is refused/m,
    );
    assert.match(msg, /^churn.yaml:5: steps\[1\].run\[4\]: a \$\{\.\.\.\} reference in code/m);
    assert.match(msg, /^churn.yaml:6: steps\[2\].run\[2\]: a \$\{\.\.\.\} reference in code/m);
    const ok = parsePipeline(
      `name: x
params: {branch: main}
steps:
  - {name: a, type: command, run: [sh, -c, 'git checkout "$1"', sh, "\${params.branch}"], env: {B: "\${params.branch}"}}
  - {name: b, type: command, run: [git, checkout, "\${params.branch}"]}
`,
      "x.yaml",
    );
    assert.equal(ok.steps.length, 2);
  });
});
