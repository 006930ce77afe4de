/** The tracking schema. Column types are portable between SQLite and PostgreSQL. */

import { insertionOrderStatements } from "../core/db/insertion-order.js";
import type { Migration } from "../core/db/migrate.js";
import { loggedModelMigration } from "./logged-models/migration.js";

export const trackingMigrations: readonly Migration[] = [
  {
    module: "tracking",
    version: 1,
    name: "experiments, runs, params, metrics, tags, inputs",
    statements: [
      `CREATE TABLE experiments (
        experiment_id BIGINT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        artifact_location TEXT NOT NULL,
        lifecycle_stage TEXT NOT NULL,
        creation_time BIGINT NOT NULL,
        last_update_time BIGINT NOT NULL
      )`,
      `CREATE TABLE experiment_tags (
        experiment_id BIGINT NOT NULL REFERENCES experiments (experiment_id),
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (experiment_id, key)
      )`,
      `CREATE TABLE runs (
        run_uuid TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        experiment_id BIGINT NOT NULL REFERENCES experiments (experiment_id),
        user_id TEXT NOT NULL,
        status TEXT NOT NULL,
        start_time BIGINT,
        end_time BIGINT,
        artifact_uri TEXT NOT NULL,
        lifecycle_stage TEXT NOT NULL,
        deleted_time BIGINT
      )`,
      "CREATE INDEX runs_experiment_start ON runs (experiment_id, start_time DESC, run_uuid)",
      `CREATE TABLE params (
        run_uuid TEXT NOT NULL REFERENCES runs (run_uuid),
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (run_uuid, key)
      )`,
      "CREATE INDEX params_key_value ON params (key, value)",
      `CREATE TABLE tags (
        run_uuid TEXT NOT NULL REFERENCES runs (run_uuid),
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (run_uuid, key)
      )`,
      "CREATE INDEX tags_key_value ON tags (key, value)",
      // One row per (run, key): the latest by (step, timestamp, value), as MLflow's SQL store, plus
      // the integer series id that keys the history (keeps history rows small and clustered).
      `CREATE TABLE latest_metrics (
        run_uuid TEXT NOT NULL REFERENCES runs (run_uuid),
        key TEXT NOT NULL,
        series_id BIGINT NOT NULL UNIQUE,
        step BIGINT NOT NULL,
        timestamp BIGINT NOT NULL,
        value DOUBLE PRECISION NOT NULL,
        is_nan INTEGER NOT NULL,
        PRIMARY KEY (run_uuid, key)
      )`,
      "CREATE INDEX latest_metrics_key_value ON latest_metrics (key, value)",
      // Full history, as chunks of sorted points per series (see sql/metric-chunk.ts). Chunks of a
      // series never overlap, so the first point's (step, timestamp) orders and identifies them.
      (d) => `CREATE TABLE metric_chunks (
        series_id BIGINT NOT NULL,
        first_step BIGINT NOT NULL,
        first_ts BIGINT NOT NULL,
        last_step BIGINT NOT NULL,
        last_ts BIGINT NOT NULL,
        points INTEGER NOT NULL,
        data ${d.blobType} NOT NULL,
        PRIMARY KEY (series_id, first_step, first_ts)
      )`,
      // Portable id allocation: UPDATE ... RETURNING works in both engines and, in PostgreSQL, the
      // row lock serialises concurrent allocators.
      "CREATE TABLE id_counters (name TEXT PRIMARY KEY, value BIGINT NOT NULL)",
      "INSERT INTO id_counters (name, value) VALUES ('metric_series', 0)",
      `CREATE TABLE datasets (
        dataset_uuid TEXT PRIMARY KEY,
        experiment_id BIGINT NOT NULL REFERENCES experiments (experiment_id),
        name TEXT NOT NULL,
        digest TEXT NOT NULL,
        source_type TEXT NOT NULL,
        source TEXT NOT NULL,
        schema TEXT,
        profile TEXT,
        UNIQUE (experiment_id, name, digest)
      )`,
      `CREATE TABLE run_inputs (
        run_uuid TEXT NOT NULL REFERENCES runs (run_uuid),
        dataset_uuid TEXT NOT NULL REFERENCES datasets (dataset_uuid),
        position INTEGER NOT NULL,
        PRIMARY KEY (run_uuid, dataset_uuid)
      )`,
      `CREATE TABLE run_input_tags (
        run_uuid TEXT NOT NULL,
        dataset_uuid TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (run_uuid, dataset_uuid, key)
      )`,
    ],
  },
  {
    module: "tracking",
    version: 2,
    name: "insertion order of params, run tags and experiment tags",
    statements: insertionOrderStatements([
      ["params", ["run_uuid"]],
      ["tags", ["run_uuid"]],
      ["experiment_tags", ["experiment_id"]],
    ]),
  },
  loggedModelMigration,
];
