/** A dataset version as MLflow's `runs/log-inputs` entry, so a run records exactly which bytes it used. */
import type { DatasetInput } from "../../core/api/mlflow-entities.js";
import type { DatasetVersion } from "./dataset-store.js";

/** The source URI of a dataset version: `modelworks-dataset:/NAME/VERSION`. */
export function datasetSourceUri(v: Pick<DatasetVersion, "name" | "version">): string {
  return `modelworks-dataset:/${encodeURIComponent(v.name)}/${v.version}`;
}

/** The `runs/log-inputs` entry for a version; `context` becomes MLflow's `mlflow.data.context` tag. */
export function datasetInput(
  version: DatasetVersion,
  options: { context?: string; useOriginalPath?: boolean } = {},
): DatasetInput {
  return {
    ...(options.context ? { tags: [{ key: "mlflow.data.context", value: options.context }] } : {}),
    dataset: {
      name: version.name,
      digest: version.digest,
      source_type: "modelworks",
      source: options.useOriginalPath ? version.sourcePath : datasetSourceUri(version),
      schema: version.schemaJson,
      profile: version.profileJson,
    },
  };
}
