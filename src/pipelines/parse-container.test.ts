/** Parsing `container` steps: the fields, their defaults, and errors naming the line and the field. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parsePipeline } from "./parse-pipeline.js";

function errorOf(yaml: string): string {
  try {
    parsePipeline(yaml, "/p/train.yaml");
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail("expected a parse error");
}

describe("container steps in pipeline files", () => {
  test("image, command, args, env (values, secret_env, secret_ref), resources and timeout", () => {
    const spec = parsePipeline(`name: churn
params: {epochs: 3}
steps:
  - name: train
    type: container
    image: ghcr.io/acme/churn-train:1.4
    command: [python, train.py]
    args: [--epochs, "\${params.epochs}"]
    env:
      MODE: full
      API_TOKEN: {secret_env: CHURN_API_TOKEN}
      DB_PASSWORD: {secret_ref: {name: churn-db, key: password}}
    resources: {cpu: 500m, memory: 2Gi}
    timeout: 20m
`);
    const [train] = spec.steps;
    assert.equal(train?.type, "container");
    assert.deepEqual(train?.container, {
      image: "ghcr.io/acme/churn-train:1.4",
      command: ["python", "train.py"],
      args: ["--epochs", `\${params.epochs}`],
      resources: { cpu: "500m", memory: "2Gi" },
    });
    assert.deepEqual(train?.env, {
      MODE: "full",
      API_TOKEN: { secretEnv: "CHURN_API_TOKEN" },
      DB_PASSWORD: { secretRef: { name: "churn-db", key: "password" } },
    });
    assert.equal(train?.timeoutMs, 20 * 60_000);
  });

  test("errors name file:line: path: what was expected", () => {
    const message = errorOf(`name: churn
steps:
  - name: train
    type: container
    command: python
    resources: {cpu: lots, memory: 2GB, disk: 1Gi}
    env:
      TOKEN: {secret_ref: {name: Churn_DB}}
  - name: report
    type: command
    run: [echo]
    image: alpine
    env:
      X: {secret_ref: {name: a, key: b}}
`);
    const lines = message.split("\n");
    const has = (text: string) => assert.ok(lines.includes(text), `missing '${text}' in:\n${message}`);
    has("train.yaml:3: steps[0].image: a container step needs image: the image to run");
    has("train.yaml:6: steps[0].resources.cpu: expected a CPU quantity such as 2, 0.5 or 500m, got 'lots'");
    has("train.yaml:6: steps[0].resources.memory: expected a memory quantity such as 512Mi, 2Gi or 1G, got '2GB'");
    has("train.yaml:6: steps[0].resources.disk: unknown key (expected one of cpu, memory)");
    has(
      "train.yaml:8: steps[0].env.TOKEN.secret_ref.name: expected a Kubernetes Secret name (lowercase DNS name), got 'Churn_DB'",
    );
    has("train.yaml:8: steps[0].env.TOKEN.secret_ref.key: expected a non-empty string, got nothing");
    has("train.yaml:12: steps[1].image: only container steps take image");
    has("train.yaml:14: steps[1].env.X.secret_ref: unknown key (expected one of secret_env)");
  });

  test("a reference inside code a shell runs is refused, as for command steps", () => {
    const message = errorOf(`name: churn
params: {file: x.csv}
steps:
  - name: train
    type: container
    image: alpine:3.20
    command: [sh, -c]
    args: ["cat \${params.file}"]
`);
    assert.match(
      message,
      /^train\.yaml:8: steps\[0\]\.args\[0\]: a \$\{\.\.\.\} reference in code a shell or interpreter runs is refused/m,
    );
  });
});
