/**
 * The feature store schema: one row per registry version (the whole set of definitions, as applied)
 * and one row per version of each object (a removal is a row without a spec), for `ls` and `show`.
 */
import type { Migration } from "../core/db/migrate.js";

export const featureMigrations: readonly Migration[] = [
  {
    module: "features",
    version: 1,
    name: "feature registry versions and object versions",
    statements: [
      `CREATE TABLE feature_registry (
        version INTEGER NOT NULL PRIMARY KEY,
        definitions_json TEXT NOT NULL,
        digest TEXT NOT NULL,
        changes_json TEXT NOT NULL,
        created_time BIGINT NOT NULL
      )`,
      `CREATE TABLE feature_objects (
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        registry_version INTEGER NOT NULL,
        spec_json TEXT,
        created_time BIGINT NOT NULL,
        PRIMARY KEY (kind, name, version)
      )`,
      "CREATE INDEX feature_objects_by_name ON feature_objects (name)",
    ],
  },
];
