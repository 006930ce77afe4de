/** Register model packages straight through the embedded platform (faster than `train` in tests). */
import { createReadStream, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { resolveConfig } from "../../core/config.js";
import type { ModelPackage } from "../../learn/package/model-package.js";
import { writeModelPackage } from "../../learn/package/model-package.js";
import { openPlatform } from "../../server/open-platform.js";

/** Register each package as the next version of `name`; `aliases` maps alias → version. */
export async function registerModels(
  home: string,
  name: string,
  packages: ModelPackage[],
  aliases: Record<string, string> = {},
  store?: string,
): Promise<void> {
  const platform = await openPlatform(resolveConfig(store ? { home, store } : { home }, {}, home));
  try {
    await platform.registry.createRegisteredModel({ name }).catch(() => {});
    for (const pkg of packages) {
      const run = await platform.tracking.createRun({ experimentId: "0" });
      const dir = mkdtempSync(join(home, "pkg-"));
      const root = `0/${run.info.run_id}/artifacts/model`;
      for (const f of await writeModelPackage(dir, pkg)) {
        await platform.artifacts.put(`${root}/${f}`, createReadStream(join(dir, f)));
      }
      await platform.registry.createModelVersion({ name, source: `mlflow-artifacts:/${root}`, runId: run.info.run_id });
    }
    for (const [alias, version] of Object.entries(aliases)) await platform.registry.setAlias({ name, alias, version });
  } finally {
    await platform.close();
  }
}
