/** The logged-model tables (tracking schema version 3). Column types are portable between SQLite and PostgreSQL. */
import type { Migration } from "../../core/db/migrate.js";

export const loggedModelMigration: Migration = {
  module: "tracking",
  version: 3,
  name: "logged models, their params, tags and metrics, run model inputs and outputs",
  statements: [
    `CREATE TABLE logged_models (
      model_id TEXT PRIMARY KEY,
      experiment_id BIGINT NOT NULL REFERENCES experiments (experiment_id),
      name TEXT NOT NULL,
      artifact_location TEXT NOT NULL,
      creation_timestamp BIGINT NOT NULL,
      last_updated_timestamp BIGINT NOT NULL,
      status TEXT NOT NULL,
      lifecycle_stage TEXT NOT NULL,
      model_type TEXT,
      source_run_id TEXT,
      status_message TEXT
    )`,
    // Search's default order (newest first) within the experiments asked for.
    "CREATE INDEX logged_models_experiment ON logged_models (experiment_id, creation_timestamp DESC, model_id)",
    "CREATE INDEX logged_models_source_run ON logged_models (source_run_id)",
    `CREATE TABLE logged_model_params (
      model_id TEXT NOT NULL REFERENCES logged_models (model_id),
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (model_id, key)
    )`,
    `CREATE TABLE logged_model_tags (
      model_id TEXT NOT NULL REFERENCES logged_models (model_id),
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (model_id, key)
    )`,
    // Every point logged with a model_id (MLflow keeps them all; the same point twice is one row).
    `CREATE TABLE logged_model_metrics (
      model_id TEXT NOT NULL REFERENCES logged_models (model_id),
      key TEXT NOT NULL,
      timestamp BIGINT NOT NULL,
      step BIGINT NOT NULL,
      run_uuid TEXT NOT NULL REFERENCES runs (run_uuid),
      value DOUBLE PRECISION NOT NULL,
      is_nan INTEGER NOT NULL,
      dataset_name TEXT,
      dataset_digest TEXT,
      PRIMARY KEY (model_id, key, timestamp, step, run_uuid)
    )`,
    "CREATE INDEX logged_model_metrics_key ON logged_model_metrics (key, model_id)",
    // Models a run used (direction 'input', step 0) or produced ('output', at a step), in logged order.
    `CREATE TABLE run_model_links (
      run_uuid TEXT NOT NULL REFERENCES runs (run_uuid),
      direction TEXT NOT NULL,
      model_id TEXT NOT NULL,
      step BIGINT NOT NULL,
      position INTEGER NOT NULL,
      PRIMARY KEY (run_uuid, direction, model_id, step)
    )`,
    "CREATE INDEX run_model_links_model ON run_model_links (model_id)",
  ],
};
