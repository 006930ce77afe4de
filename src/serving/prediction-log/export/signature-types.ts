/** Model input types for exports, read from each version's `signature.json` (cached: versions are immutable). */
import { isMwError } from "../../../core/errors.js";
import { readAllBytes } from "../../../core/fs/read-all.js";
import type { LogicalType } from "../../../data/table.js";
import type { ModelSignature } from "../../../learn/package/model-package.js";
import type { RegistryStore } from "../../../registry/registry-store.js";
import type { ArtifactStore } from "../../../tracking/artifacts/artifact-store.js";
import { proxiedPath } from "../../../tracking/artifacts/proxied-uri.js";
import type { InputTypes } from "./export-plan.js";

/** Input types by model version; undefined when the version or its signature cannot be read. */
export function signatureInputTypes(registry: RegistryStore, artifacts: ArtifactStore): InputTypes {
  const cache = new Map<string, Promise<Map<string, LogicalType> | undefined>>();
  return (model, version) => {
    const key = `${model}\u0000${version}`;
    let hit = cache.get(key);
    if (!hit) {
      hit = read(registry, artifacts, model, version).catch(() => undefined);
      cache.set(key, hit);
    }
    return hit;
  };
}

async function read(
  registry: RegistryStore,
  artifacts: ArtifactStore,
  name: string,
  version: string,
): Promise<Map<string, LogicalType> | undefined> {
  const root = proxiedPath(await registry.getModelVersionDownloadUri({ name, version }));
  if (root === undefined) return undefined;
  try {
    const { stream } = await artifacts.get(`${root}/signature.json`);
    const signature = JSON.parse((await readAllBytes(stream)).toString("utf8")) as ModelSignature;
    return new Map(signature.inputs.map((i) => [i.name, i.type]));
  } catch (e) {
    if (isMwError(e) && e.code === "RESOURCE_DOES_NOT_EXIST") return undefined;
    throw e;
  }
}
