import assert from "node:assert/strict";
import { test } from "node:test";
import type { ResolvedModel } from "../model-resolver.js";
import { deploymentOf } from "../test-support/static-runtime.js";
import { DeploymentRuntime } from "./deployment-runtime.js";

test("a model that failed to load (its file vanished) is retried after 1 s, then 2, 4 ... at most the cap", async () => {
  let now = 0;
  let missing = true;
  const loads: number[] = [];
  const model = { name: "churn", version: "2", predictor: {} } as unknown as ResolvedModel;
  const first = { name: "churn", version: "1", predictor: {} } as unknown as ResolvedModel;
  let deployment = deploymentOf({ name: "d", primary: "churn/1" });
  const rt = new DeploymentRuntime("d", {
    source: async () => deployment,
    loader: {
      lookup: async (ref) => ref.version ?? "1",
      load: async (_name, version) => {
        if (version === "1") return first;
        loads.push(now);
        if (missing) throw new Error("ENOENT: model.json vanished from the serving cache");
        return model;
      },
    },
    clock: { now: () => now },
    retryAfterMs: 8000,
  });
  await rt.start();
  deployment = deploymentOf({ name: "d", primary: "churn/2", generation: 2 });
  for (now = 0; now <= 20_000; now += 250) await rt.refresh().catch(() => false);
  assert.deepEqual(loads, [0, 1000, 3000, 7000, 15_000], "1, 2, 4 then the 8 s cap");
  missing = false;
  now = 23_000;
  await rt.refresh();
  assert.equal(rt.current.primary.model.version, "2", "the version is served once it loads");
  rt.stop();
});
