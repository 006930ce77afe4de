/**
 * `modelworks pipeline run` with a container step on each backend the flags choose: a fake `docker`
 * on PATH, and a Kubernetes Job on a recorded-response fake API server named by --kubeconfig.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FakeKubeApi } from "../../pipelines/test-support/fake-kube-api.js";
import { fakeKubeApi } from "../../pipelines/test-support/fake-kube-api.js";
import { CliError } from "../cli-context.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";
import { containerExecutorOf } from "./container-flags.js";

const PIPELINE = `name: boxed
steps:
  - name: train
    type: container
    image: ghcr.io/acme/churn-train:1.4
    command: [python, train.py]
    resources: {cpu: "1", memory: 512Mi}
    timeout: 10m
`;

describe("container steps from the command line", () => {
  let home: string;
  let fake: FakeKubeApi;
  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-container-cli-"));
    writeFileSync(join(home, "boxed.yaml"), PIPELINE);
    fake = await fakeKubeApi({
      statuses: [{ active: 1 }, { succeeded: 1, conditions: [{ type: "Complete", status: "True" }] }],
      pods: [
        {
          phase: "Succeeded",
          containerStatuses: [
            {
              name: "step",
              ready: false,
              restartCount: 0,
              image: "x",
              imageID: "",
              state: { terminated: { exitCode: 0 } },
            },
          ],
        },
      ],
      log: ["auc=0.84"],
    });
    writeFileSync(join(home, "kubeconfig"), fake.kubeconfig);
  });
  after(async () => {
    await fake.close();
    rmSync(home, { recursive: true, force: true });
  });

  test("--container-backend docker runs the fake docker on PATH", async () => {
    const bin = join(home, "bin");
    rmSync(bin, { recursive: true, force: true });
    writeFileSync(join(home, "docker-argv"), "");
    mkdirSync(bin);
    writeFileSync(join(bin, "docker"), `#!/bin/sh\nprintf '%s\\n' "$@" > "${home}/docker-argv"\necho "auc=0.83"\n`);
    chmodSync(join(bin, "docker"), 0o755);
    const io = captureIo(home);
    io.env.PATH = `${bin}:${process.env.PATH}`;
    const code = await main(
      ["pipeline", "run", join(home, "boxed.yaml"), "--container-backend", "docker", "--json"],
      io,
    );
    assert.equal(code, 0, io.stderr.join("\n"));
    const argv = readFileSync(join(home, "docker-argv"), "utf8").split("\n");
    assert.deepEqual(argv.slice(0, 2), ["run", "--rm"]);
    assert.ok(
      argv.includes("ghcr.io/acme/churn-train:1.4") &&
        argv.includes("--memory") &&
        argv.includes(String(512 * 2 ** 20)),
    );
  });

  test("--container-backend kubernetes --kubeconfig FILE --kube-namespace NS creates the Job there", async () => {
    const io = captureIo(home);
    const args = [
      "--container-backend",
      "kubernetes",
      "--kubeconfig",
      join(home, "kubeconfig"),
      "--kube-namespace",
      "ml",
    ];
    const code = await main(["pipeline", "run", join(home, "boxed.yaml"), ...args, "--json"], io);
    assert.equal(code, 0, io.stderr.join("\n"));
    const created = fake.created[0] as { metadata: { namespace?: string }; spec: { activeDeadlineSeconds: number } };
    assert.equal(created.spec.activeDeadlineSeconds, 600);
    assert.ok(fake.requests.some((r) => r.method === "POST" && r.path === "/apis/batch/v1/namespaces/ml/jobs"));
    const shown = JSON.parse(io.stdout.join("\n")) as { steps: { outputs: Record<string, unknown> }[] };
    assert.equal(shown.steps[0]?.outputs.backend, "kubernetes");
  });

  test("remove deletes a left Job on the cluster the flags name (propagationPolicy Background)", async () => {
    const steps = containerExecutorOf(
      { "container-backend": "kubernetes", kubeconfig: join(home, "kubeconfig"), "kube-namespace": "ml" },
      {},
    );
    fake.requests.length = 0;
    // A Job already gone counts as deleted (the fake answers 404 for it).
    await steps.remove({ backend: "kubernetes", namespace: "ml", name: "mw-boxed-train-left" });
    const del = fake.requests.find((r) => r.method === "DELETE");
    assert.equal(del?.path, "/apis/batch/v1/namespaces/ml/jobs/mw-boxed-train-left");
    assert.equal(
      (del?.body as { propagationPolicy?: string } | undefined)?.propagationPolicy ?? del?.query.propagationPolicy,
      "Background",
    );
  });

  test("remove runs no CLI but docker or podman, whatever a step's record names", async () => {
    const steps = containerExecutorOf({ "container-backend": "docker" }, {});
    await assert.rejects(
      steps.remove({ backend: "cli", cli: "/tmp/evil", name: "mw-x-train-1" }),
      /names container CLI '\/tmp\/evil'; only docker and podman are run/,
    );
  });

  test("an unknown backend is refused with the choices", () => {
    assert.throws(
      () => containerExecutorOf({ "container-backend": "lxc" }, {}),
      (e: Error) => e instanceof CliError && /must be docker, podman or kubernetes, got 'lxc'/.test(e.message),
    );
  });
});
