/**
 * The Kubernetes backend of container steps through @kubernetes/client-node against a recorded-
 * response fake of the API server: success with the pod's log, a failing container, the Job's
 * deadline, a timeout and a cancellation (both delete the Job), an image that cannot be pulled.
 */
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { StepContainer } from "../run-store.js";
import type { FakeKubeApi, FakeScenario } from "../test-support/fake-kube-api.js";
import { fakeKubeApi } from "../test-support/fake-kube-api.js";
import type { ContainerJob } from "./container-job.js";
import { kubeBackend } from "./kube-backend.js";
import { kubeClient } from "./kube-client.js";

const RUNNING = {
  phase: "Running",
  containerStatuses: [
    {
      name: "step",
      ready: true,
      restartCount: 0,
      image: "x",
      imageID: "",
      state: { running: { startedAt: "2026-12-07T15:00:00Z" } },
    },
  ],
};
const exited = (code: number) => ({
  phase: code === 0 ? "Succeeded" : "Failed",
  containerStatuses: [
    {
      name: "step",
      ready: false,
      restartCount: 0,
      image: "x",
      imageID: "",
      state: {
        terminated: {
          exitCode: code,
          reason: code === 0 ? "Completed" : "Error",
          startedAt: "2026-12-07T15:00:00Z",
          finishedAt: "2026-12-07T15:00:09Z",
        },
      },
    },
  ],
});
const condition = (type: string, reason: string) => ({
  conditions: [
    { type, status: "True", reason, lastProbeTime: "2026-12-07T15:00:10Z", lastTransitionTime: "2026-12-07T15:00:10Z" },
  ],
});

function job(over: Partial<ContainerJob> = {}): ContainerJob {
  return {
    name: "mw-churn-train-0a1b2c3d",
    image: "ghcr.io/acme/churn-train:1.4",
    command: ["python", "train.py"],
    args: ["--epochs", "3"],
    env: [
      { name: "MODE", value: "full" },
      { name: "DB_PASSWORD", secretRef: { name: "churn-db", key: "password" } },
    ],
    resources: { cpu: "500m", memory: "1Gi" },
    timeoutMs: 90_000,
    labels: { "app.kubernetes.io/managed-by": "modelworks" },
    secrets: [],
    ...over,
  };
}

describe("kubernetes container backend (fake API server)", () => {
  let fake: FakeKubeApi;
  let lines: string[];
  /** What the backend recorded as started (undefined entries: cleared). */
  let records: [StepContainer, boolean | undefined][];
  const run = async (scenario: FakeScenario, j = job(), signal = new AbortController().signal) => {
    fake.scenario = scenario;
    const api = await kubeClient({ kubeconfigText: fake.kubeconfig });
    return kubeBackend({ api, namespace: "ml", pollMs: 5, logDrainMs: 2000 }).run(j, {
      log: (l) => lines.push(l),
      signal,
      record: async (c, gone) => {
        records.push([c, gone]);
      },
    });
  };
  const started: StepContainer = { backend: "kubernetes", namespace: "ml", name: "mw-churn-train-0a1b2c3d" };
  before(async () => {
    fake = await fakeKubeApi({ statuses: [], pods: [], log: [] });
  });
  after(() => fake.close());
  beforeEach(() => {
    lines = [];
    records = [];
    fake.requests.length = 0;
    fake.created.length = 0;
  });

  test("creates the Job, streams the pod's log into the step log and succeeds when it completes", async () => {
    await run({
      statuses: [{ active: 1 }, { active: 1 }, { succeeded: 1, ...condition("Complete", "CompletionsReached") }],
      pods: [RUNNING, RUNNING, exited(0)],
      log: ["epoch 1 loss=0.52", "epoch 2 loss=0.41"],
    });
    assert.ok(lines.includes("epoch 1 loss=0.52") && lines.includes("epoch 2 loss=0.41"), lines.join("\n"));
    assert.deepEqual(
      records,
      [
        [started, false],
        [started, true],
      ],
      "recorded once created, cleared once complete",
    );
    assert.equal(fake.created.length, 1);
    const created = fake.created[0] as { spec: Record<string, unknown>; metadata: Record<string, unknown> };
    assert.equal(created.metadata.name, "mw-churn-train-0a1b2c3d");
    assert.equal(created.spec.backoffLimit, 0);
    assert.equal(created.spec.activeDeadlineSeconds, 90);
    const logReq = fake.requests.find((r) => r.path.endsWith("/log"));
    assert.equal(logReq?.path, "/api/v1/namespaces/ml/pods/mw-churn-train-0a1b2c3d-x7k2p/log");
    assert.equal(logReq?.query.follow, "true");
    assert.equal(logReq?.query.container, "step");
    const list = fake.requests.find((r) => r.path === "/api/v1/namespaces/ml/pods");
    assert.equal(list?.query.labelSelector, "job-name=mw-churn-train-0a1b2c3d");
    assert.ok(!fake.requests.some((r) => r.method === "DELETE"), "a completed Job is left to its TTL");
  });

  test("a container that exits non-zero fails the step with its exit code", async () => {
    await assert.rejects(
      run({
        statuses: [{ active: 1 }, { failed: 1, ...condition("Failed", "BackoffLimitExceeded") }],
        pods: [RUNNING, exited(3)],
        log: ["Traceback (most recent call last):", "ValueError: label column missing"],
      }),
      /exited with code 3/,
    );
    assert.ok(lines.includes("ValueError: label column missing"));
  });

  test("the Job's deadline (the step's timeout) fails the step as a timeout", async () => {
    await assert.rejects(
      run({
        statuses: [{ active: 1 }, { failed: 1, ...condition("Failed", "DeadlineExceeded") }],
        pods: [RUNNING],
        log: ["working"],
      }),
      /timed out: the job ran past its activeDeadlineSeconds \(90s\)/,
    );
  });

  for (const [what, reason] of [
    ["a timeout", new Error("timed out after 1m30s")],
    ["a cancelled run", new Error("cancelled")],
  ] as const) {
    test(`${what} deletes the Job with propagationPolicy Background`, async () => {
      const controller = new AbortController();
      const done = run(
        { statuses: [{ active: 1 }], pods: [RUNNING], log: ["still training"], holdLog: true },
        job(),
        controller.signal,
      );
      while (!lines.includes("still training")) await new Promise((r) => setTimeout(r, 5));
      controller.abort(reason);
      await assert.rejects(done, (e: Error) => e === reason);
      const del = fake.requests.find((r) => r.method === "DELETE");
      assert.equal(del?.path, "/apis/batch/v1/namespaces/ml/jobs/mw-churn-train-0a1b2c3d");
      const policy =
        del?.query.propagationPolicy ?? (del?.body as { propagationPolicy?: string } | undefined)?.propagationPolicy;
      assert.equal(policy, "Background");
      assert.ok(lines.some((l) => l.includes("deleted job ml/mw-churn-train-0a1b2c3d")));
      assert.deepEqual(
        records,
        [
          [started, false],
          [started, true],
        ],
        "deleted: the record is cleared",
      );
    });
  }

  test("a cancel whose delete fails keeps the record, so a later takeover deletes the Job", async () => {
    const controller = new AbortController();
    const done = run(
      { statuses: [{ active: 1 }], pods: [RUNNING], log: ["still training"], holdLog: true, failDeletes: true },
      job(),
      controller.signal,
    );
    while (!lines.includes("still training")) await new Promise((r) => setTimeout(r, 5));
    controller.abort(new Error("cancelled"));
    await assert.rejects(done, /cancelled/);
    assert.ok(lines.some((l) => l.startsWith("warning: could not delete job ml/mw-churn-train-0a1b2c3d")));
    assert.deepEqual(records, [[started, false]]);
    fake.scenario = { ...fake.scenario, failDeletes: false, holdLog: false };
    await kubeClient({ kubeconfigText: fake.kubeconfig }).then((api) => api.deleteJob("ml", started.name));
  });

  test("an image that cannot be pulled fails at once, naming the reason", async () => {
    const pulling = {
      phase: "Pending",
      containerStatuses: [
        {
          name: "step",
          ready: false,
          restartCount: 0,
          image: "x",
          imageID: "",
          state: { waiting: { reason: "ErrImagePull", message: "not found" } },
        },
      ],
    };
    await assert.rejects(run({ statuses: [{ active: 1 }], pods: [pulling], log: [] }), /cannot start: ErrImagePull/);
  });

  test("a secret_env value is refused on Kubernetes (it would sit in the Job); nothing is created", async () => {
    const j = job({ env: [{ name: "TOKEN", value: "s3cr3t-value", secret: true }] });
    await assert.rejects(
      run({ statuses: [], pods: [], log: [] }, j),
      /env\.TOKEN: on Kubernetes a secret is passed as secret_ref/,
    );
    assert.equal(fake.created.length, 0);
  });

  test("a few failed reads are retried; past the limit the attempt fails and the Job is deleted", async () => {
    const done = { succeeded: 1, ...condition("Complete", "CompletionsReached") };
    await run({ statuses: [done], pods: [exited(0)], log: ["ok"], failReads: 2 });
    assert.equal(lines.filter((l) => l.startsWith("warning: reading job")).length, 2);
    assert.ok(!fake.requests.some((r) => r.method === "DELETE"));
    lines = [];
    await assert.rejects(run({ statuses: [done], pods: [exited(0)], log: [], failReads: 10 }), /leader changed|500/);
    assert.ok(
      fake.requests.some((r) => r.method === "DELETE"),
      "a Job no longer watched is deleted",
    );
  });

  test("API errors surface (an unauthorized client)", async () => {
    const api = await kubeClient({ kubeconfigText: fake.kubeconfig.replace("fake-token", "wrong") });
    await assert.rejects(
      kubeBackend({ api, namespace: "ml", pollMs: 5 }).run(job(), {
        log: () => {},
        signal: new AbortController().signal,
      }),
      /401|Unauthorized/,
    );
  });
});
