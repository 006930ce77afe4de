/** The monitoring schema: monitor configs per deployment, their results over time, and alerts. */
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
];
