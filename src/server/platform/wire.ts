/** Dataset versions as the platform API's snake_case wire objects. */
import type { DatasetListing, DatasetVersionInfo } from "../../core/api/platform-routes.js";
import type { DatasetSummary, DatasetVersion } from "../../data/versions/dataset-store.js";
import { datasetSourceUri } from "../../data/versions/lineage.js";

/** A version on the wire; `detail` adds the parsed schema and profile. */
export function toVersionInfo(v: DatasetVersion, detail = false): DatasetVersionInfo {
  return {
    name: v.name,
    version: v.version,
    digest: v.digest,
    format: v.format,
    size_bytes: v.sizeBytes,
    rows: v.rows,
    columns: v.columns,
    source: v.sourcePath,
    uri: datasetSourceUri(v),
    ...(v.gitCommit ? { git_commit: v.gitCommit } : {}),
    created_time: v.createdTime,
    ...(detail ? { schema: JSON.parse(v.schemaJson), profile: JSON.parse(v.profileJson) } : {}),
  };
}

/** A dataset listing entry on the wire. */
export function toListing(d: DatasetSummary): DatasetListing {
  return { name: d.name, version_count: d.versionCount, latest: toVersionInfo(d.latest) };
}
