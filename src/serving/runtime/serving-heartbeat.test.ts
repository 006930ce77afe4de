import assert from "node:assert/strict";
import { test } from "node:test";
import type { ServingReport } from "../deployments/serving-report.js";
import type { DeploymentRuntime } from "./deployment-runtime.js";
import { ServingHeartbeat } from "./serving-heartbeat.js";

function fakeRuntime(name: string, version: string, lastError?: string): DeploymentRuntime {
  const model = { name: "churn", version };
  return {
    name,
    ready: true,
    current: { generation: 3, weight: 0, shadow: false, primary: { kind: "primary", model } },
    ...(lastError ? { lastError: { time: 1, message: lastError } } : {}),
  } as unknown as DeploymentRuntime;
}

test("reports each runtime and each failed deployment; a store outage is swallowed; gone ones are withdrawn", async () => {
  const written: ServingReport[][] = [];
  const forgotten: string[] = [];
  let down = false;
  let runtimes = [fakeRuntime("a", "1"), fakeRuntime("b", "2", "Model churn version 3 failed to load")];
  const hb = new ServingHeartbeat({
    deployments: {
      reportServing: async (r) => {
        if (down) throw new Error("connection refused");
        written.push([...r]);
      },
      forgetInstance: async (instance, deployment) => {
        forgotten.push(`${instance === hb.instance}:${deployment ?? "*"}`);
      },
    },
    clock: { now: () => 5000 },
    kind: "serve",
    runtimes: () => runtimes,
    failed: () => [{ name: "c", message: "not loadable" }],
    intervalMs: 60_000,
  });
  hb.start("http://127.0.0.1:9");
  await hb.beat();
  const last = written.at(-1) ?? [];
  assert.deepEqual(
    last.map((r) => [r.deployment, r.served.map((v) => v.version).join(), r.generation, r.lastError ?? ""]),
    [
      ["a", "1", 3, ""],
      ["b", "2", 3, "Model churn version 3 failed to load"],
      ["c", "", 0, "not loadable"],
    ],
  );
  assert.ok(last.every((r) => r.kind === "serve" && r.url === "http://127.0.0.1:9" && r.seenTime === 5000));
  down = true;
  await hb.beat();
  down = false;
  runtimes = [fakeRuntime("a", "1")];
  const before = written.length;
  await hb.beat();
  assert.equal(written.length, before + 1);
  assert.deepEqual(forgotten, ["true:b"], "b is no longer served: its report is withdrawn");
  await hb.stop();
  assert.deepEqual(forgotten.at(-1), "true:*");
});
