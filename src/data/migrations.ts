/** The dataset-versions schema. Column types are portable between SQLite and PostgreSQL. */
import type { Migration } from "../core/db/migrate.js";

export const dataMigrations: readonly Migration[] = [
  {
    module: "data",
    version: 1,
    name: "dataset versions",
    statements: [
      `CREATE TABLE dataset_versions (
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        digest TEXT NOT NULL,
        format TEXT NOT NULL,
        size_bytes BIGINT NOT NULL,
        num_rows BIGINT NOT NULL,
        num_columns INTEGER NOT NULL,
        schema_json TEXT NOT NULL,
        profile_json TEXT NOT NULL,
        source_path TEXT NOT NULL,
        git_commit TEXT,
        created_time BIGINT NOT NULL,
        PRIMARY KEY (name, version),
        UNIQUE (name, digest)
      )`,
      // Lookups by content (which versions use this object?) for lineage and garbage collection.
      "CREATE INDEX dataset_versions_digest ON dataset_versions (digest)",
    ],
  },
];
