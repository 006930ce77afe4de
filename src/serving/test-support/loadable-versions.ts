/**
 * Registers small models that load (a logistic regression on a few rows), for tests of deployments
 * and rollouts: creating a deployment or starting a rollout loads the model it names.
 */
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromColumns } from "../../data/test-support/build-table.js";
import type { ModelPackage } from "../../learn/package/model-package.js";
import { writeModelPackage } from "../../learn/package/model-package.js";
import { fitModel } from "../../learn/train/fit-model.js";
import { resolveParams } from "../../learn/train/train-params.js";
import type { RegistryStore } from "../../registry/registry-store.js";
import type { ArtifactStore } from "../../tracking/artifacts/artifact-store.js";

let tiny: Promise<ModelPackage> | undefined;

/** A logistic regression over two inputs (`tenure`, `MonthlyCharges`), fitted once per process. */
export function tinyPackage(): Promise<ModelPackage> {
  tiny ??= (async () => {
    const n = 40;
    const table = tableFromColumns({
      tenure: Array.from({ length: n }, (_, i) => i),
      MonthlyCharges: Array.from({ length: n }, (_, i) => 20 + ((i * 7) % 50)),
      Churn: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? "Yes" : "No")),
    });
    const fit = await fitModel(table, { label: "Churn", algo: "linear", params: resolveParams("linear", []), seed: 1 });
    return fit.package;
  })();
  return tiny;
}

/** Register `count` loadable versions of `name` (the model is created when missing). */
export async function registerLoadableVersions(
  platform: { registry: RegistryStore; artifacts: ArtifactStore },
  name: string,
  count: number,
): Promise<void> {
  await platform.registry.createRegisteredModel({ name }).catch(() => {});
  const dir = await mkdtemp(join(tmpdir(), "mw-tiny-"));
  try {
    const files = await writeModelPackage(dir, await tinyPackage());
    for (let i = 0; i < count; i++) {
      const root = `tiny/${encodeURIComponent(name)}/${Date.now()}-${i}-${Math.random().toString(36).slice(2, 8)}`;
      for (const f of files) await platform.artifacts.put(`${root}/${f}`, createReadStream(join(dir, f)));
      await platform.registry.createModelVersion({ name, source: `mlflow-artifacts:/${root}` });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
