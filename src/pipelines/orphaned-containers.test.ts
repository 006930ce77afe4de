/**
 * A platform crash mid container step: the run's takeover deletes the Kubernetes Job (propagation
 * Background) or `docker rm -f`s the container the step recorded, logs it in the step log and clears
 * the record; when the cluster or engine cannot be reached it says so and keeps the record, and the
 * next takeover of the pipeline's lease tries again. Against the recorded-response fake Kubernetes
 * API and a fake `docker` on PATH.
 */
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { systemClock } from "../core/clock.js";
import { SqlLeaseStore } from "../core/leases/sql/sql-lease-store.js";
import { removeLeftContainer } from "./containers/cli-backend.js";
import type { ContainerRemover } from "./containers/container-job.js";
import type { KubeApi } from "./containers/kube-api.js";
import { deleteLeftJob } from "./containers/kube-backend.js";
import { kubeClient } from "./containers/kube-client.js";
import { kubeJobManifest } from "./containers/kube-job.js";
import { recordContainer, requireNoOrphans } from "./orphaned-steps.js";
import { newHolder, RunLeases } from "./run-lease.js";
import type { StepContainer } from "./run-store.js";
import type { FakeKubeApi } from "./test-support/fake-kube-api.js";
import { fakeKubeApi } from "./test-support/fake-kube-api.js";
import type { RunnerFixture } from "./test-support/runner-fixture.js";
import { runnerFixture } from "./test-support/runner-fixture.js";

/** `rm -f NAME` records its arguments; exits as `rm.mode` says (`down`: no daemon). */
const FAKE_DOCKER = `#!/bin/sh
dir=$(dirname "$0")
if [ "$1" = rm ]; then
  printf '%s\\n' "$@" >> "$dir/rm.argv"
  if [ "$(cat "$dir/rm.mode" 2>/dev/null)" = down ]; then
    echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2
    exit 1
  fi
  exit 0
fi
exit 2
`;

const HOST = "this-machine/boot-1";
const DEAD_PID = 424242;

describe("container steps left by a crashed process", () => {
  let f: RunnerFixture;
  let fake: FakeKubeApi;
  let api: KubeApi;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const warnings: string[] = [];
  let leases: RunLeases;

  before(async () => {
    // Runs are only created here (then made to look crashed); no step is executed.
    f = await runnerFixture([["container", { run: async () => ({}) }]]);
    fake = await fakeKubeApi({ statuses: [{ active: 1 }], pods: [], log: [] });
    api = await kubeClient({ kubeconfigText: fake.kubeconfig });
    dir = mkdtempSync(join(tmpdir(), "mw-fake-docker-"));
    writeFileSync(join(dir, "docker"), FAKE_DOCKER);
    chmodSync(join(dir, "docker"), 0o755);
    env = { PATH: `${dir}:${process.env.PATH}` };
    const remove: ContainerRemover = (c) =>
      c.backend === "kubernetes" ? deleteLeftJob(api, c) : removeLeftContainer(c.cli, c.name, env);
    leases = new RunLeases({
      leases: new SqlLeaseStore(f.db),
      store: f.store,
      clock: systemClock,
      pollMs: 20,
      host: HOST,
      processAlive: (pid) => pid !== DEAD_PID,
      containers: { remove, warn: (m) => warnings.push(m) },
    });
  });
  after(async () => {
    await fake.close();
    await f.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A run of `pipeline` whose process (on this machine, now gone) was in the middle of its container step. */
  async function crashedRun(pipeline: string, container: StepContainer): Promise<string> {
    const run = await f.runner.create(
      f.spec(`name: ${pipeline}\nsteps:\n  - {name: train, type: container, image: "ghcr.io/acme/train:1"}\n`),
    );
    const holder = newHolder(HOST, DEAD_PID);
    await new SqlLeaseStore(f.db).claim(`pipeline-run/${pipeline}`, holder, Date.now() + 600_000, Date.now());
    await f.store.update(run.id, { status: "running", leaseHolder: holder });
    await f.store.updateStep(run.id, "train", { status: "running", container });
    return run.id;
  }

  const stepOf = async (runId: string) => (await f.store.steps(runId))[0];

  test("the Kubernetes Job is deleted (propagationPolicy Background), logged, and its record cleared", async () => {
    const job = kubeJobManifest(
      {
        name: "mw-k-train-0a1b2c3d",
        image: "ghcr.io/acme/train:1",
        env: [],
        timeoutMs: 60_000,
        labels: {},
        secrets: [],
      },
      { namespace: "ml" },
    );
    await api.createJob("ml", job);
    const runId = await crashedRun("k", { backend: "kubernetes", namespace: "ml", name: "mw-k-train-0a1b2c3d" });
    assert.equal(await leases.recover("k"), runId);
    const del = fake.requests.find((r) => r.method === "DELETE");
    assert.equal(del?.path, "/apis/batch/v1/namespaces/ml/jobs/mw-k-train-0a1b2c3d");
    const policy =
      del?.query.propagationPolicy ?? (del?.body as { propagationPolicy?: string } | undefined)?.propagationPolicy;
    assert.equal(policy, "Background");
    const step = await stepOf(runId);
    assert.match(step?.log ?? "", /deleted job ml\/mw-k-train-0a1b2c3d, left running by a stopped process/);
    assert.equal(step?.container, undefined);
    assert.equal((await f.store.get(runId)).status, "failed");
  });

  test("a Job already gone counts as deleted", async () => {
    const runId = await crashedRun("gone", { backend: "kubernetes", namespace: "ml", name: "mw-gone-train-1" });
    await leases.recover("gone");
    assert.equal((await stepOf(runId))?.container, undefined);
  });

  test("a cluster that cannot be reached: reported in the step log and as a warning, the record kept and retried", async () => {
    await api.createJob(
      "ml",
      kubeJobManifest(
        { name: "mw-u-train-1", image: "x", env: [], timeoutMs: 60_000, labels: {}, secrets: [] },
        { namespace: "ml" },
      ),
    );
    const started: StepContainer = { backend: "kubernetes", namespace: "ml", name: "mw-u-train-1" };
    const runId = await crashedRun("u", started);
    fake.scenario = { ...fake.scenario, failDeletes: true };
    warnings.length = 0;
    await leases.recover("u");
    const step = await stepOf(runId);
    assert.deepEqual(step?.container, started, "kept for the next takeover");
    assert.match(
      step?.log ?? "",
      /warning: could not delete job ml\/mw-u-train-1, left running by a stopped process: /,
    );
    assert.match(
      warnings[0] ?? "",
      new RegExp(`pipeline run ${runId} step train: could not delete job ml/mw-u-train-1`),
    );
    assert.equal((await f.store.get(runId)).status, "failed", "the run is interrupted all the same");
    // A resume refuses while the Job may still run.
    const unreachable = { remove: () => Promise.reject(new Error("connect ECONNREFUSED")) };
    await assert.rejects(
      requireNoOrphans(f.store, runId, unreachable),
      /left job ml\/mw-u-train-1 running and it could not be deleted/,
    );
    // The cluster is back: the next takeover of the pipeline's lease deletes it.
    fake.scenario = { ...fake.scenario, failDeletes: false };
    const next = await leases.tryTake("u", newHolder(HOST));
    assert.ok(!("heldBy" in next));
    await next.release();
    const after = await stepOf(runId);
    assert.equal(after?.container, undefined);
    assert.match(after?.log ?? "", /deleted job ml\/mw-u-train-1, left running by a stopped process/);
  });

  test("a docker container is removed with `docker rm -f NAME`, logged, and its record cleared", async () => {
    rmSync(join(dir, "rm.argv"), { force: true });
    writeFileSync(join(dir, "rm.mode"), "ok");
    const runId = await crashedRun("d", { backend: "cli", cli: "docker", name: "mw-d-train-0a1b2c3d" });
    await leases.recover("d");
    assert.deepEqual(readFileSync(join(dir, "rm.argv"), "utf8").trimEnd().split("\n"), [
      "rm",
      "-f",
      "mw-d-train-0a1b2c3d",
    ]);
    const step = await stepOf(runId);
    assert.match(step?.log ?? "", /deleted docker container mw-d-train-0a1b2c3d, left running by a stopped process/);
    assert.equal(step?.container, undefined);
  });

  test("a docker daemon that cannot be reached: reported, the record kept", async () => {
    rmSync(join(dir, "rm.argv"), { force: true });
    writeFileSync(join(dir, "rm.mode"), "down");
    warnings.length = 0;
    const started: StepContainer = { backend: "cli", cli: "docker", name: "mw-e-train-1" };
    const runId = await crashedRun("e", started);
    await leases.recover("e");
    assert.ok(existsSync(join(dir, "rm.argv")));
    const step = await stepOf(runId);
    assert.deepEqual(step?.container, started);
    assert.match(
      step?.log ?? "",
      /warning: could not delete docker container mw-e-train-1.*Cannot connect to the Docker daemon/,
    );
    assert.equal(warnings.length, 1);
  });

  test("a timed-out attempt that ends late clears only its own record, not the next attempt's", async () => {
    const runId = await crashedRun("t", { backend: "cli", cli: "docker", name: "mw-t-train-attempt1" });
    const second: StepContainer = { backend: "cli", cli: "docker", name: "mw-t-train-attempt2" };
    await recordContainer(f.store, runId, "train", second);
    await recordContainer(
      f.store,
      runId,
      "train",
      { backend: "cli", cli: "docker", name: "mw-t-train-attempt1" },
      true,
    );
    assert.deepEqual((await stepOf(runId))?.container, second);
    await recordContainer(f.store, runId, "train", second, true);
    assert.equal((await stepOf(runId))?.container, undefined);
  });
});
