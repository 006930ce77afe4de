/** The monitoring schema: monitor configs per deployment, their results over time, alerts, and window aggregates. */
import type { Migration } from "../core/db/migrate.js";

export const monitoringMigrations: readonly Migration[] = [
  {
    module: "monitoring",
    version: 1,
    name: "monitors, results, alerts",
    statements: [
      `CREATE TABLE monitor_configs (
        deployment TEXT PRIMARY KEY,
        config_json TEXT NOT NULL,
        created_time BIGINT NOT NULL,
        updated_time BIGINT NOT NULL,
        last_run_time BIGINT
      )`,
      `CREATE TABLE monitor_results (
        id TEXT PRIMARY KEY,
        deployment TEXT NOT NULL,
        model_name TEXT,
        model_version TEXT,
        time BIGINT NOT NULL,
        window_start BIGINT NOT NULL,
        window_end BIGINT NOT NULL,
        rows_count BIGINT NOT NULL,
        labelled_rows BIGINT NOT NULL,
        dataset_drift INTEGER,
        share_drifted DOUBLE PRECISION,
        features_json TEXT NOT NULL,
        reference TEXT,
        realized_auc DOUBLE PRECISION,
        realized_log_loss DOUBLE PRECISION,
        calibration_error DOUBLE PRECISION,
        training_auc DOUBLE PRECISION,
        training_log_loss DOUBLE PRECISION,
        concept_drift INTEGER,
        notes_json TEXT NOT NULL,
        error TEXT
      )`,
      "CREATE INDEX monitor_results_by_deployment ON monitor_results (deployment, time)",
      "CREATE INDEX monitor_results_by_version ON monitor_results (deployment, model_name, model_version, time)",
      `CREATE TABLE monitor_alerts (
        id TEXT PRIMARY KEY,
        deployment TEXT NOT NULL,
        rule TEXT NOT NULL,
        status TEXT NOT NULL,
        first_time BIGINT NOT NULL,
        last_time BIGINT NOT NULL,
        resolved_time BIGINT,
        value DOUBLE PRECISION,
        threshold DOUBLE PRECISION,
        message TEXT NOT NULL,
        model_name TEXT,
        model_version TEXT,
        pipeline TEXT
      )`,
      // One firing alert per rule and deployment, enforced by the database (two evaluators cannot both fire it).
      "CREATE UNIQUE INDEX monitor_alerts_one_firing ON monitor_alerts (deployment, rule) WHERE status = 'firing'",
      "CREATE INDEX monitor_alerts_by_time ON monitor_alerts (first_time)",
    ],
  },
  {
    module: "monitoring",
    version: 2,
    name: "realized metrics of regression and multiclass models",
    statements: ["ALTER TABLE monitor_results ADD COLUMN realized_json TEXT"],
  },
  {
    module: "monitoring",
    version: 3,
    name: "the newest result per model version, kept as results are added",
    statements: [
      // Status pages read these few rows instead of ranking every stored result.
      `CREATE TABLE monitor_latest (
        deployment TEXT NOT NULL,
        model_name TEXT NOT NULL,
        model_version TEXT NOT NULL,
        result_id TEXT NOT NULL,
        time BIGINT NOT NULL,
        PRIMARY KEY (deployment, model_name, model_version)
      )`,
      `INSERT INTO monitor_latest (deployment, model_name, model_version, result_id, time)
       SELECT deployment, model_name, model_version, id, time FROM (
         SELECT r.*, ROW_NUMBER() OVER (
           PARTITION BY deployment, model_name, model_version ORDER BY time DESC, id DESC
         ) AS pick
         FROM monitor_results r WHERE model_name IS NOT NULL AND model_version IS NOT NULL
       ) ranked WHERE pick = 1`,
    ],
  },
  {
    // Its own module key: windows are a separate concern from results and alerts, whose schema
    // changes (downsampling) are numbered apart from these.
    module: "monitoring-windows",
    version: 1,
    name: "window aggregates per time bucket",
    statements: [
      // One row per deployment, bucket span (a minute or an hour), bucket start and model version:
      // counts, per-feature statistics and a bounded sample of the primary's answered predictions.
      (d) => `CREATE TABLE monitor_window_buckets (
        deployment TEXT NOT NULL,
        span_ms BIGINT NOT NULL,
        bucket_start BIGINT NOT NULL,
        model_name TEXT NOT NULL,
        model_version TEXT NOT NULL,
        rows_count BIGINT NOT NULL,
        data ${d.blobType} NOT NULL,
        updated_time BIGINT NOT NULL,
        PRIMARY KEY (deployment, span_ms, bucket_start, model_name, model_version)
      )`,
      // The labelled part of the same buckets, recomputed from the log when feedback arrives.
      (d) => `CREATE TABLE monitor_label_buckets (
        deployment TEXT NOT NULL,
        span_ms BIGINT NOT NULL,
        bucket_start BIGINT NOT NULL,
        model_name TEXT NOT NULL,
        model_version TEXT NOT NULL,
        labelled BIGINT NOT NULL,
        data ${d.blobType} NOT NULL,
        updated_time BIGINT NOT NULL,
        PRIMARY KEY (deployment, span_ms, bucket_start, model_name, model_version)
      )`,
    ],
  },
  {
    module: "monitoring-windows",
    version: 2,
    name: "backfill of window aggregates from the stored log",
    statements: [
      // Per deployment: rows logged before until_time are built into buckets from the log (the
      // live path takes the later ones); those before next_time are done. The update of next_time
      // and the buckets of its batch commit together, so a restart resumes without counting twice.
      () => `CREATE TABLE monitor_window_backfill (
        deployment TEXT NOT NULL PRIMARY KEY,
        until_time BIGINT NOT NULL,
        next_time BIGINT NOT NULL,
        rows_count BIGINT NOT NULL,
        done_time BIGINT,
        created_time BIGINT NOT NULL,
        updated_time BIGINT NOT NULL
      )`,
    ],
  },
];
