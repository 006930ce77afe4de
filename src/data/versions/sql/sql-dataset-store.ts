/** Dataset versions over SQL (SQLite or PostgreSQL through the portable {@link Database}). */
import type { Database, Queryable } from "../../../core/db/database.js";
import { invalidParam, notFound } from "../../../core/errors.js";
import type { DatasetStore, DatasetSummary, DatasetVersion, NewDatasetVersion } from "../dataset-store.js";
import { isValidDatasetName } from "../dataset-store.js";

interface Row {
  name: string;
  version: number | string;
  digest: string;
  format: string;
  size_bytes: number | string;
  num_rows: number | string;
  num_columns: number | string;
  schema_json: string;
  profile_json: string;
  source_path: string;
  git_commit: string | null;
  created_time: number | string;
}

const COLUMNS =
  "name, version, digest, format, size_bytes, num_rows, num_columns, schema_json, profile_json, source_path, git_commit, created_time";

function toVersion(r: Row): DatasetVersion {
  return {
    name: r.name,
    version: Number(r.version),
    digest: r.digest,
    format: r.format,
    sizeBytes: Number(r.size_bytes),
    rows: Number(r.num_rows),
    columns: Number(r.num_columns),
    schemaJson: r.schema_json,
    profileJson: r.profile_json,
    sourcePath: r.source_path,
    ...(r.git_commit ? { gitCommit: r.git_commit } : {}),
    createdTime: Number(r.created_time),
  };
}

/** Validate a dataset name, naming the rule in the error. */
export function validateDatasetName(name: string): void {
  if (!isValidDatasetName(name)) {
    throw invalidParam(
      `Invalid dataset name '${name}': use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit.`,
    );
  }
}

/** The SQL {@link DatasetStore}. Needs the "data" migrations applied. */
export class SqlDatasetStore implements DatasetStore {
  constructor(private readonly db: Database) {}

  async addVersion(input: NewDatasetVersion): Promise<{ version: DatasetVersion; created: boolean }> {
    validateDatasetName(input.name);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.transaction((tx) => this.insertNext(tx, input));
      } catch (e) {
        // A concurrent writer took the number (retry) or stored the same bytes (return theirs).
        if (!this.db.dialect.isUniqueViolation(e) || attempt >= 20) throw e;
        const same = await this.findByDigest(input.name, input.digest);
        if (same) return { version: same, created: false };
      }
    }
  }

  private async insertNext(tx: Queryable, input: NewDatasetVersion) {
    const same = await tx.get<Row>(`SELECT ${COLUMNS} FROM dataset_versions WHERE name = ? AND digest = ?`, [
      input.name,
      input.digest,
    ]);
    if (same) return { version: toVersion(same), created: false };
    const max = await tx.get<{ v: number | string | null }>(
      "SELECT MAX(version) AS v FROM dataset_versions WHERE name = ?",
      [input.name],
    );
    const version: DatasetVersion = { ...input, version: Number(max?.v ?? 0) + 1 };
    await tx.run(`INSERT INTO dataset_versions (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      version.name,
      version.version,
      version.digest,
      version.format,
      version.sizeBytes,
      version.rows,
      version.columns,
      version.schemaJson,
      version.profileJson,
      version.sourcePath,
      version.gitCommit ?? null,
      version.createdTime,
    ]);
    return { version, created: true };
  }

  async getVersion(name: string, version?: number): Promise<DatasetVersion> {
    const row =
      version === undefined
        ? await this.db.get<Row>(
            `SELECT ${COLUMNS} FROM dataset_versions WHERE name = ? ORDER BY version DESC LIMIT 1`,
            [name],
          )
        : await this.db.get<Row>(`SELECT ${COLUMNS} FROM dataset_versions WHERE name = ? AND version = ?`, [
            name,
            version,
          ]);
    if (row) return toVersion(row);
    if (version !== undefined && (await this.exists(name))) {
      throw notFound(`Dataset '${name}' has no version ${version}.`);
    }
    throw notFound(`Dataset '${name}' does not exist.`);
  }

  async setSchema(name: string, version: number, schemaJson: string): Promise<DatasetVersion> {
    await this.getVersion(name, version);
    await this.db.run("UPDATE dataset_versions SET schema_json = ? WHERE name = ? AND version = ?", [
      schemaJson,
      name,
      version,
    ]);
    return this.getVersion(name, version);
  }

  async findByDigest(name: string, digest: string): Promise<DatasetVersion | undefined> {
    const row = await this.db.get<Row>(`SELECT ${COLUMNS} FROM dataset_versions WHERE name = ? AND digest = ?`, [
      name,
      digest,
    ]);
    return row ? toVersion(row) : undefined;
  }

  async listVersions(name: string): Promise<DatasetVersion[]> {
    const rows = await this.db.all<Row>(`SELECT ${COLUMNS} FROM dataset_versions WHERE name = ? ORDER BY version`, [
      name,
    ]);
    if (rows.length === 0) throw notFound(`Dataset '${name}' does not exist.`);
    return rows.map(toVersion);
  }

  async listDatasets(): Promise<DatasetSummary[]> {
    const rows = await this.db.all<Row & { n: number | string }>(
      `SELECT ${COLUMNS.split(", ")
        .map((c) => `v.${c}`)
        .join(", ")}, c.n
       FROM dataset_versions v
       JOIN (SELECT name, MAX(version) AS latest, COUNT(*) AS n FROM dataset_versions GROUP BY name) c
         ON v.name = c.name AND v.version = c.latest
       ORDER BY v.name`,
    );
    return rows.map((r) => ({ name: r.name, versionCount: Number(r.n), latest: toVersion(r) }));
  }

  private async exists(name: string): Promise<boolean> {
    return (await this.db.get("SELECT 1 AS x FROM dataset_versions WHERE name = ? LIMIT 1", [name])) !== undefined;
  }
}
