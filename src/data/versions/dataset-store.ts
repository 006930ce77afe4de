/** Dataset versions: immutable, numbered snapshots of a named dataset, each pointing at a stored object. */

/** One stored version. `schemaJson`/`profileJson` are the serialised schema and profile. */
export interface DatasetVersion {
  name: string;
  version: number;
  /** SHA-256 of the bytes (hex); the object store key. */
  digest: string;
  format: string;
  sizeBytes: number;
  rows: number;
  columns: number;
  schemaJson: string;
  profileJson: string;
  /** The original file path (or upload source) the snapshot came from. */
  sourcePath: string;
  /** `git rev-parse HEAD` in the source folder at add time, when inside a repository. */
  gitCommit?: string;
  createdTime: number;
}

/** A new version's fields; the store assigns the number. */
export type NewDatasetVersion = Omit<DatasetVersion, "version">;

/** One named dataset with its latest version. */
export interface DatasetSummary {
  name: string;
  versionCount: number;
  latest: DatasetVersion;
}

/** The metadata store of dataset versions (SQL today; the same contract for every backend). */
export interface DatasetStore {
  /**
   * Record a version with the next number. Identical bytes under the same name return the existing
   * version with `created: false`.
   */
  addVersion(input: NewDatasetVersion): Promise<{ version: DatasetVersion; created: boolean }>;
  /** One version, or the latest when `version` is undefined; RESOURCE_DOES_NOT_EXIST when missing. */
  getVersion(name: string, version?: number): Promise<DatasetVersion>;
  /** The version of `name` holding these bytes, if any. */
  findByDigest(name: string, digest: string): Promise<DatasetVersion | undefined>;
  /** Every version of a dataset, oldest first; RESOURCE_DOES_NOT_EXIST when there are none. */
  listVersions(name: string): Promise<DatasetVersion[]>;
  /** Every dataset with its latest version, by name. */
  listDatasets(): Promise<DatasetSummary[]>;
  /** Replace a version's schema (an edited, re-imported one); the bytes stay immutable. */
  setSchema(name: string, version: number, schemaJson: string): Promise<DatasetVersion>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** True for a valid dataset name (no `@` or `/`: they separate versions in references and URIs). */
export function isValidDatasetName(name: string): boolean {
  return NAME.test(name);
}
