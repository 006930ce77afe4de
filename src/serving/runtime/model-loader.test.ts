import assert from "node:assert/strict";
import { test } from "node:test";
import type { Table } from "../../data/table.js";
import type { RegistryStore } from "../../registry/registry-store.js";
import type { LoadedModel } from "../../runtimes/runtime.js";
import type { ArtifactStore } from "../../tracking/artifacts/artifact-store.js";
import type { ResolvedModel } from "../model-resolver.js";
import { ModelLoader } from "./model-loader.js";

/** A version whose close() is recorded; it scores every row 0.5. */
function fakeVersion(version: string, closed: string[]): ResolvedModel {
  const predictor: LoadedModel = {
    runtime: "python",
    kind: "regression",
    signature: { task: "regression", inputs: [] },
    predict: async (t: Table) => ({ rows: t.numRows, scores: new Float64Array(t.numRows).fill(0.5) }),
  };
  return {
    name: "m",
    version,
    predictor,
    close: async () => {
      closed.push(version);
    },
  };
}

const deps = { registry: {} as RegistryStore, artifacts: {} as ArtifactStore, cacheDir: "/nonexistent" };
const settle = () => new Promise((r) => setTimeout(r, 5));

test("evicted versions are closed after the grace; versions in use are never evicted; close() closes the rest", async () => {
  const closed: string[] = [];
  const inUse = new Set<ResolvedModel>();
  const loads: string[] = [];
  const loader = new ModelLoader(deps, {
    capacity: 2,
    closeAfterMs: 0,
    inUse: () => inUse,
    loadVersion: async (_name, version) => {
      loads.push(version);
      return fakeVersion(version, closed);
    },
  });
  const v1 = await loader.load("m", "1");
  inUse.add(v1);
  await loader.load("m", "2");
  await loader.load("m", "3");
  await settle();
  // Least recently used is 1, but it is served: 2 goes instead.
  assert.deepEqual(closed, ["2"]);
  assert.equal(await loader.load("m", "1"), v1, "a served version stays cached");
  await loader.load("m", "4");
  await settle();
  assert.deepEqual(closed, ["2", "3"]);
  assert.deepEqual(loads, ["1", "2", "3", "4"]);
  await loader.close();
  assert.deepEqual(closed.sort(), ["1", "2", "3", "4"]);
});

test("a version that fails its warm-up is closed and not cached", async () => {
  const closed: string[] = [];
  let fail = true;
  const loader = new ModelLoader(deps, {
    loadVersion: async (_name, version) => {
      const m = fakeVersion(version, closed);
      if (fail) m.predictor.predict = async () => Promise.reject(new Error("worker died"));
      return m;
    },
  });
  await assert.rejects(loader.load("m", "1"), /worker died/);
  assert.deepEqual(closed, ["1"]);
  fail = false;
  assert.equal((await loader.load("m", "1")).version, "1", "the next call loads again");
  await loader.close();
});
