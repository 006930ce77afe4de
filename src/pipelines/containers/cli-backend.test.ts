/**
 * The Docker/Podman CLI backend of container steps against a fake `docker` on PATH (a script that
 * records its arguments and environment, prints a log and exits as told): the argument list built
 * without a shell, secrets only by name, exit codes, a timeout and a cancellation killing the
 * container; and a whole pipeline run with a container step through the runner.
 */
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { containerExecutor } from "../steps/container-step.js";
import type { RunnerFixture } from "../test-support/runner-fixture.js";
import { runnerFixture } from "../test-support/runner-fixture.js";
import { cliBackend } from "./cli-backend.js";
import type { ContainerJob } from "./container-job.js";

/** The fake CLI: `run` records argv (one per line) and API_TOKEN, then does what `mode` says; `kill NAME` ends it. */
const FAKE_DOCKER = `#!/bin/sh
dir=$(dirname "$0")
if [ "$1" = kill ]; then
  printf '%s\\n' "$@" > "$dir/kill.argv"
  kill "$(cat "$dir/$2.pid")"
  exit 0
fi
printf '%s\\n' "$@" > "$dir/run.argv"
printf '%s' "\${API_TOKEN-unset}" > "$dir/run.secret"
name=""
prev=""
for a in "$@"; do
  [ "$prev" = "--name" ] && name="$a"
  prev="$a"
done
case "$(cat "$dir/mode")" in
  ok) echo "epoch 1 auc=0.81"; echo "token is $API_TOKEN" >&2; exit 0 ;;
  fail) echo "ValueError: no label column" >&2; exit 3 ;;
  hang) echo $$ > "$dir/$name.pid"; echo "training..."; exec sleep 600 ;;
esac
`;

function job(over: Partial<ContainerJob> = {}): ContainerJob {
  return {
    name: "mw-churn-train-0a1b2c3d",
    image: "ghcr.io/acme/churn-train:1.4",
    command: ["python", "train.py"],
    args: ["--data", "a file; $(rm -rf /)"],
    env: [
      { name: "MODE", value: "full" },
      { name: "API_TOKEN", value: "tok-very-secret", secret: true },
    ],
    resources: { cpu: "500m", memory: "1Gi" },
    timeoutMs: 60_000,
    labels: { "app.kubernetes.io/managed-by": "modelworks" },
    secrets: ["tok-very-secret"],
    ...over,
  };
}

describe("docker/podman CLI container backend (fake docker on PATH)", () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const argv = () => readFileSync(join(dir, "run.argv"), "utf8").trimEnd().split("\n");
  const mode = (m: string) => writeFileSync(join(dir, "mode"), m);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "mw-fake-docker-"));
    writeFileSync(join(dir, "docker"), FAKE_DOCKER);
    chmodSync(join(dir, "docker"), 0o755);
    env = { PATH: `${dir}:${process.env.PATH}`, HOME: "/home/mw", AWS_SECRET_ACCESS_KEY: "platform-credential" };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("runs `docker run --rm` with the argument list built without a shell; secrets go by name only", async () => {
    mode("ok");
    const lines: string[] = [];
    const records: unknown[] = [];
    await cliBackend({ cli: "docker", env }).run(job(), {
      log: (l) => lines.push(l),
      signal: new AbortController().signal,
      record: async (c, gone) => {
        records.push([c, gone]);
      },
    });
    const started = { backend: "cli", cli: "docker", name: "mw-churn-train-0a1b2c3d" };
    assert.deepEqual(
      records,
      [
        [started, false],
        [started, true],
      ],
      "recorded before the container starts, cleared once `run --rm` ended",
    );
    assert.deepEqual(argv(), [
      "run",
      "--rm",
      "--name",
      "mw-churn-train-0a1b2c3d",
      "--pull",
      "missing",
      "--security-opt",
      "no-new-privileges",
      "--label",
      "app.kubernetes.io/managed-by=modelworks",
      "--cpus",
      "0.5",
      "--memory",
      String(2 ** 30),
      "-e",
      "MODE=full",
      "-e",
      "API_TOKEN",
      "--entrypoint",
      "python",
      "ghcr.io/acme/churn-train:1.4",
      "train.py",
      "--data",
      "a file; $(rm -rf /)",
    ]);
    assert.equal(
      readFileSync(join(dir, "run.secret"), "utf8"),
      "tok-very-secret",
      "the CLI reads the secret from its environment",
    );
    assert.ok(lines.includes("epoch 1 auc=0.81"));
    assert.ok(!lines.some((l) => l.includes("platform-credential")));
  });

  test("a non-zero exit fails with the exit code; a missing CLI is a permanent error", async () => {
    mode("fail");
    const lines: string[] = [];
    await assert.rejects(
      cliBackend({ cli: "docker", env }).run(job(), {
        log: (l) => lines.push(l),
        signal: new AbortController().signal,
      }),
      /exited with code 3/,
    );
    assert.ok(lines.includes("ValueError: no label column"));
    await assert.rejects(
      cliBackend({ cli: "podman-not-installed", env }).run(job(), {
        log: () => {},
        signal: new AbortController().signal,
      }),
      /container CLI not found: 'podman-not-installed'/,
    );
  });

  test("cancelling kills the container by name and fails the attempt with the reason", async () => {
    mode("hang");
    const controller = new AbortController();
    const lines: string[] = [];
    const done = cliBackend({ cli: "docker", env }).run(job(), {
      log: (l) => lines.push(l),
      signal: controller.signal,
    });
    while (!lines.includes("training...")) await new Promise((r) => setTimeout(r, 10));
    const reason = new Error("cancelled");
    controller.abort(reason);
    await assert.rejects(done, (e: Error) => e === reason);
    assert.deepEqual(readFileSync(join(dir, "kill.argv"), "utf8").trimEnd().split("\n"), [
      "kill",
      "mw-churn-train-0a1b2c3d",
    ]);
  });

  describe("in a pipeline run", () => {
    let f: RunnerFixture;
    before(async () => {
      const platformEnv = { ...env, CHURN_API_TOKEN: "tok-from-platform-env" };
      f = await runnerFixture([
        [
          "container",
          containerExecutor({ backend: cliBackend({ cli: "docker", env: platformEnv }), env: platformEnv }),
        ],
      ]);
    });
    after(() => f.close());

    test("a container step succeeds, its log masks the secret, its outputs name the container", async () => {
      mode("ok");
      const spec = f.spec(`
name: churn
params: {epochs: 3}
steps:
  - name: train
    type: container
    image: ghcr.io/acme/churn-train:1.4
    args: [--epochs, "\${params.epochs}"]
    env: {API_TOKEN: {secret_env: CHURN_API_TOKEN}}
`);
      const run = await f.runner.start(spec, { specPath: f.specPath });
      assert.equal(run.status, "succeeded", run.error);
      const [step] = await f.store.steps(run.id);
      assert.equal(step?.outputs?.backend, "docker");
      assert.match(String(step?.outputs?.name), /^mw-churn-train-[0-9a-f]{8}$/);
      assert.match(step?.log ?? "", /token is \*\*\*/);
      assert.ok(!(step?.log ?? "").includes("tok-from-platform-env"));
      const args = argv();
      assert.deepEqual(args.slice(-3), ["ghcr.io/acme/churn-train:1.4", "--epochs", "3"]);
      assert.ok(args.includes(`MODELWORKS_PIPELINE_RUN_ID=${run.id}`));
    });

    test("the step's timeout kills the container and fails the step", async () => {
      mode("hang");
      rmSync(join(dir, "kill.argv"), { force: true });
      const spec = f.spec(`
name: churn
steps:
  - {name: train, type: container, image: "ghcr.io/acme/churn-train:1.4", timeout: 1s}
`);
      const started = f.runner.start(spec, { specPath: f.specPath });
      // While it runs, the step records the container (a takeover after a crash removes it).
      let recorded: unknown;
      while (!recorded) {
        const id = (await f.store.list({ pipeline: "churn", limit: 1 }))[0]?.id;
        recorded = id ? (await f.store.steps(id))[0]?.container : undefined;
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.match(
        JSON.stringify(recorded),
        /^\{"backend":"cli","cli":"docker","name":"mw-churn-train-[0-9a-f]{8}"\}$/,
      );
      const run = await started;
      assert.equal(run.status, "failed");
      const [step] = await f.store.steps(run.id);
      assert.match(step?.error ?? "", /timed out after 1s/);
      while (!existsSync(join(dir, "kill.argv"))) await new Promise((r) => setTimeout(r, 10));
      assert.equal(readFileSync(join(dir, "kill.argv"), "utf8").split("\n")[0], "kill");
      // The killed container went with `run --rm` once the CLI exited: the record is cleared.
      while ((await f.store.steps(run.id))[0]?.container) await new Promise((r) => setTimeout(r, 10));
    });
  });
});
