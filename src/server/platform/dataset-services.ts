/** The dataset-version services the server and CLI share, wired to the stores of a platform. */
import { FileRoots } from "../../auth/file-roots.js";
import type { ValidationReportWire } from "../../core/api/platform-routes.js";
import type { Clock } from "../../core/clock.js";
import type { Database } from "../../core/db/database.js";
import type { ObjectStore } from "../../data/objects/object-store.js";
import type { DatasetStore } from "../../data/versions/dataset-store.js";
import { DatasetVersions } from "../../data/versions/dataset-versions.js";
import { gitCommitOf } from "../../data/versions/git-commit.js";
import { SqlDatasetStore } from "../../data/versions/sql/sql-dataset-store.js";
import { analyzeTableFile, validateTableFile } from "./table-analysis.js";

export interface DatasetServices {
  store: DatasetStore;
  objects: ObjectStore;
  versions: DatasetVersions;
  /** Validate a local file against a stored schema (JSON text). */
  validate(path: string, schemaJson: string): Promise<ValidationReportWire>;
  /** Which server-side files a client may name in the HTTP routes (`path`); none unless configured. */
  fileRoots: FileRoots;
}

/** Dataset services on a migrated database and an object store (a folder or S3). */
export function openDatasetServices(
  db: Database,
  objects: ObjectStore,
  clock: Clock,
  fileRoots: FileRoots = FileRoots.none(),
): DatasetServices {
  const store = new SqlDatasetStore(db);
  const versions = new DatasetVersions({ store, objects, analyze: analyzeTableFile, clock, gitCommit: gitCommitOf });
  return { store, objects, versions, validate: validateTableFile, fileRoots };
}
