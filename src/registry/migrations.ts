/** The model registry schema. Renames are done in the store, table by table, in a transaction. */
import { insertionOrderStatements } from "../core/db/insertion-order.js";
import type { Migration } from "../core/db/migrate.js";

export const registryMigrations: readonly Migration[] = [
  {
    module: "registry",
    version: 1,
    name: "registered models, versions, tags, aliases",
    statements: [
      `CREATE TABLE registered_models (
        name TEXT PRIMARY KEY,
        creation_time BIGINT NOT NULL,
        last_updated_time BIGINT NOT NULL,
        description TEXT,
        user_id TEXT
      )`,
      `CREATE TABLE registered_model_tags (
        name TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (name, key)
      )`,
      `CREATE TABLE model_versions (
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        creation_time BIGINT NOT NULL,
        last_updated_time BIGINT NOT NULL,
        description TEXT,
        user_id TEXT,
        current_stage TEXT NOT NULL,
        source TEXT NOT NULL,
        storage_location TEXT,
        run_id TEXT,
        run_link TEXT,
        status TEXT NOT NULL,
        status_message TEXT,
        deleted INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (name, version)
      )`,
      "CREATE INDEX model_versions_run ON model_versions (run_id)",
      `CREATE TABLE model_version_tags (
        name TEXT NOT NULL,
        version INTEGER NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (name, version, key)
      )`,
      `CREATE TABLE registered_model_aliases (
        name TEXT NOT NULL,
        alias TEXT NOT NULL,
        version INTEGER NOT NULL,
        PRIMARY KEY (name, alias)
      )`,
    ],
  },
  {
    module: "registry",
    version: 2,
    name: "model version package folders (store_path), for freezing registered artifacts",
    statements: [
      "ALTER TABLE model_versions ADD COLUMN store_path TEXT",
      "CREATE INDEX model_versions_store_path ON model_versions (store_path)",
      // Existing versions with a plain `mlflow-artifacts:/a/b` location; authority forms stay unset.
      `UPDATE model_versions
         SET store_path = rtrim(ltrim(substr(COALESCE(storage_location, source), 18), '/'), '/')
       WHERE deleted = 0
         AND COALESCE(storage_location, source) LIKE 'mlflow-artifacts:/%'
         AND COALESCE(storage_location, source) NOT LIKE 'mlflow-artifacts://%'`,
    ],
  },
  {
    module: "registry",
    version: 3,
    name: "insertion order of registered model and model version tags",
    statements: insertionOrderStatements([
      ["registered_model_tags", ["name"]],
      ["model_version_tags", ["name", "version"]],
    ]),
  },
  {
    module: "registry",
    version: 4,
    name: "the logged model (MLflow 3) a model version was created from",
    statements: [
      "ALTER TABLE model_versions ADD COLUMN model_id TEXT",
      "CREATE INDEX model_versions_model_id ON model_versions (model_id)",
    ],
  },
];
