import assert from "node:assert/strict";
import { test } from "node:test";
import type { ResolvedModel } from "../model-resolver.js";
import { deploymentOf } from "../test-support/static-runtime.js";
import { DeploymentRuntime } from "./deployment-runtime.js";

function runtimeOver(aliases: Record<string, string>, deployment: () => ReturnType<typeof deploymentOf>) {
  const model = (version: string) => ({ name: "churn", version, predictor: {} }) as unknown as ResolvedModel;
  return new DeploymentRuntime("d", {
    source: async () => deployment(),
    loader: {
      lookup: async (ref) => (ref.alias ? (aliases[ref.alias] as string) : (ref.version as string)),
      load: async (_name, version) => model(version),
    },
    clock: { now: () => 0 },
  });
}

test("a pinned primary serves its pinned version while its alias moves; a new pin is served at the next refresh", async () => {
  const aliases: Record<string, string> = { champion: "1" };
  let d = deploymentOf({ name: "d", primary: "churn@champion", primaryVersion: "1", onAliasChange: "rollout" });
  const rt = runtimeOver(aliases, () => d);
  await rt.start();
  aliases.champion = "2";
  assert.equal(await rt.refresh(), false, "the alias moving alone changes nothing");
  assert.equal(rt.current.primary.model.version, "1");
  d = { ...d, primaryVersion: "2", generation: 2 };
  assert.equal(await rt.refresh(), true);
  assert.equal(rt.current.primary.model.version, "2");
  rt.stop();
});

test("an unpinned primary (swap) follows its alias at the next refresh", async () => {
  const aliases: Record<string, string> = { champion: "1" };
  const d = deploymentOf({ name: "d", primary: "churn@champion", onAliasChange: "swap" });
  const rt = runtimeOver(aliases, () => d);
  await rt.start();
  aliases.champion = "2";
  assert.equal(await rt.refresh(), true);
  assert.equal(rt.current.primary.model.version, "2");
  rt.stop();
});
