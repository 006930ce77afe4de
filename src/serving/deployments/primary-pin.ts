/**
 * The pinned primary version of a deployment that follows an alias under the `rollout` policy: it
 * serves the pinned version while the alias moves (the alias watcher rolls a move out; a promotion
 * moves the pin).
 */
import { invalidParam } from "../../core/errors.js";
import type { RegistryStore } from "../../registry/registry-store.js";
import { parseModelRef } from "../model-resolver.js";
import type { Deployment, DeploymentPatch } from "./deployment.js";

type Registry = Pick<RegistryStore, "getModelVersionByAlias" | "getModelVersion">;

/**
 * The version a deployment pins as its primary: the alias's version now, for a primary following
 * an alias under the `rollout` policy; none otherwise (a fixed version, or `swap`).
 */
export async function pinFor(
  registry: Registry,
  d: Pick<Deployment, "primary" | "onAliasChange">,
): Promise<string | undefined> {
  const ref = parseModelRef(d.primary);
  if (ref.alias === undefined || d.onAliasChange !== "rollout") return undefined;
  return (await registry.getModelVersionByAlias({ name: ref.name, alias: ref.alias })).version;
}

/**
 * Keep `next`'s pin consistent: an explicit pin (from a promotion or the alias watcher) must name a
 * version of the primary's model; a new primary or policy re-pins to what the alias names now.
 */
export async function repin(
  registry: Registry,
  current: Deployment,
  next: Deployment,
  patch: DeploymentPatch,
): Promise<void> {
  if (patch.primaryVersion === null) delete next.primaryVersion;
  else if (patch.primaryVersion !== undefined) {
    const ref = parseModelRef(next.primary);
    if (ref.alias === undefined || next.onAliasChange !== "rollout") {
      throw invalidParam(
        "Invalid value for 'primary_version': only a deployment following an alias with on_alias_change rollout is pinned.",
      );
    }
    await registry.getModelVersion({ name: ref.name, version: patch.primaryVersion });
    next.primaryVersion = patch.primaryVersion;
  } else if (current.primary !== next.primary || current.onAliasChange !== next.onAliasChange) {
    const pin = await pinFor(registry, next);
    if (pin === undefined) delete next.primaryVersion;
    else next.primaryVersion = pin;
  }
}
