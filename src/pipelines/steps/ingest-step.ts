/** The `ingest` step: add a file as a dataset version (content-addressed; the same bytes give the same version). */
import { resolve } from "node:path";
import { parseTypeOverrides } from "../../data/type-overrides.js";
import type { DatasetVersions } from "../../data/versions/dataset-versions.js";
import type { StepExecutor } from "../step-executor.js";
import { knownSettings, optionalString, requiredString } from "./settings.js";

/** `with: {file, dataset, label?, types?: {col: type}}` → outputs `{dataset, version, digest, rows, created}`. */
export function ingestExecutor(deps: { versions: Pick<DatasetVersions, "addFile"> }): StepExecutor {
  return {
    run: async (ctx) => {
      const s = ctx.settings;
      const step = ctx.step.name;
      knownSettings(s, ["file", "dataset", "label", "types"], step);
      const file = resolve(ctx.baseDir ?? process.cwd(), requiredString(s, "file", step));
      const name = requiredString(s, "dataset", step);
      const label = optionalString(s, "label", step);
      const types =
        s.types && typeof s.types === "object"
          ? parseTypeOverrides(Object.entries(s.types).map(([k, v]) => `${k}=${String(v)}`))
          : undefined;
      const { version, created } = await deps.versions.addFile(file, {
        name,
        ...(label ? { label } : {}),
        ...(types ? { types } : {}),
      });
      ctx.log(
        `${created ? "added" : "unchanged"} ${version.name}@${version.version} (${version.rows} rows, sha256:${version.digest.slice(0, 12)})`,
      );
      return { dataset: version.name, version: version.version, digest: version.digest, rows: version.rows, created };
    },
  };
}
