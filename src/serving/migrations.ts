/** The serving schema: deployments, their events, the prediction log and label feedback. */
import type { Migration } from "../core/db/migrate.js";

export const servingMigrations: readonly Migration[] = [
  {
    module: "serving",
    version: 1,
    name: "deployments, prediction log, feedback",
    statements: [
      `CREATE TABLE deployments (
        name TEXT PRIMARY KEY,
        primary_ref TEXT NOT NULL,
        candidate_ref TEXT,
        candidate_weight DOUBLE PRECISION NOT NULL,
        shadow INTEGER NOT NULL,
        routing_key_source TEXT,
        routing_key_name TEXT,
        log_sampling DOUBLE PRECISION NOT NULL,
        status TEXT NOT NULL,
        generation BIGINT NOT NULL,
        description TEXT,
        created_time BIGINT NOT NULL,
        updated_time BIGINT NOT NULL
      )`,
      `CREATE TABLE deployment_events (
        id TEXT PRIMARY KEY,
        deployment TEXT NOT NULL,
        time BIGINT NOT NULL,
        seq BIGINT NOT NULL,
        type TEXT NOT NULL,
        message TEXT NOT NULL,
        data_json TEXT
      )`,
      // Newest-first listing per deployment; seq breaks ties within one millisecond.
      "CREATE INDEX deployment_events_by_time ON deployment_events (deployment, time, seq)",
      `CREATE TABLE prediction_log (
        deployment TEXT NOT NULL,
        request_id TEXT NOT NULL,
        row_index INTEGER NOT NULL,
        variant TEXT NOT NULL,
        shadow INTEGER NOT NULL,
        model_name TEXT NOT NULL,
        model_version TEXT NOT NULL,
        routing_key TEXT,
        inputs_json TEXT NOT NULL,
        score DOUBLE PRECISION,
        label TEXT NOT NULL,
        time BIGINT NOT NULL,
        latency_ms DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (request_id, row_index, variant)
      )`,
      // Monitoring windows read by deployment and time; feedback joins by routing key (partial: rows
      // without a key, the common case, cost no index write).
      "CREATE INDEX prediction_log_by_time ON prediction_log (deployment, time)",
      "CREATE INDEX prediction_log_by_key ON prediction_log (deployment, routing_key, time) WHERE routing_key IS NOT NULL",
      `CREATE TABLE feedback (
        id TEXT PRIMARY KEY,
        deployment TEXT NOT NULL,
        request_id TEXT,
        row_index INTEGER,
        routing_key TEXT,
        outcome TEXT NOT NULL,
        time BIGINT NOT NULL
      )`,
      "CREATE INDEX feedback_by_time ON feedback (deployment, time)",
      "CREATE INDEX feedback_by_request ON feedback (request_id, row_index)",
    ],
  },
  {
    module: "serving",
    version: 2,
    name: "serving reports",
    statements: [
      // What each serving process actually serves, per deployment, refreshed on a heartbeat.
      `CREATE TABLE serving_reports (
        instance TEXT NOT NULL,
        deployment TEXT NOT NULL,
        kind TEXT NOT NULL,
        host TEXT NOT NULL,
        pid BIGINT NOT NULL,
        url TEXT,
        served_json TEXT NOT NULL,
        candidate_weight DOUBLE PRECISION NOT NULL,
        shadow INTEGER NOT NULL,
        generation BIGINT NOT NULL,
        last_error TEXT,
        started_time BIGINT NOT NULL,
        seen_time BIGINT NOT NULL,
        PRIMARY KEY (instance, deployment)
      )`,
      "CREATE INDEX serving_reports_by_seen ON serving_reports (seen_time)",
    ],
  },
  {
    module: "serving",
    version: 3,
    name: "alias changes roll out as canaries",
    statements: [
      // Existing deployments take the new default; the alias watcher pins them to the alias's version.
      "ALTER TABLE deployments ADD COLUMN on_alias_change TEXT NOT NULL DEFAULT 'rollout'",
      "ALTER TABLE deployments ADD COLUMN primary_version TEXT",
      "ALTER TABLE deployments ADD COLUMN rollout_json TEXT",
    ],
  },
];
