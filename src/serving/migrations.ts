/** The serving schema: deployments, their events, the prediction log and label feedback. */
import type { Migration } from "../core/db/migrate.js";
import { DEFAULT_LOG_RETENTION_MS } from "./deployments/deployment.js";
import { convertJsonLog } from "./prediction-log/sql/log-conversion.js";
import { LOG_TABLES, REQUEST_TIMES_TABLE } from "./prediction-log/sql/log-tables.js";
import { backfillRequestTimes } from "./prediction-log/sql/request-times-backfill.js";

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
  {
    module: "serving",
    version: 4,
    name: "compact prediction log, log retention and archiving per deployment",
    statements: [
      ...LOG_TABLES,
      // Made here too (migration 7 adds it to older logs): the conversion below writes it.
      REQUEST_TIMES_TABLE,
      `ALTER TABLE deployments ADD COLUMN log_retention_ms BIGINT NOT NULL DEFAULT ${DEFAULT_LOG_RETENTION_MS}`,
      "ALTER TABLE deployments ADD COLUMN archive_log INTEGER NOT NULL DEFAULT 0",
    ],
    convert: convertJsonLog,
  },
  {
    module: "serving",
    version: 5,
    name: "deployments complete requests from a feature service",
    statements: ["ALTER TABLE deployments ADD COLUMN features_json TEXT"],
  },
  {
    module: "serving",
    version: 6,
    name: "key-only feedback found by time",
    // Labelling a window by routing key reads the key-only feedback from the window's start on; the
    // time index alone walked every later feedback row too (request-id feedback included), which
    // made recomputing a minute's label bucket cost all feedback since (bench/volumes stalled at 4.4M rows).
    statements: [
      "CREATE INDEX log_feedback_keyed_by_time ON log_feedback (deployment_id, time) WHERE request_id IS NULL AND key_hash IS NOT NULL",
    ],
  },
  {
    module: "serving",
    version: 7,
    name: "request times for feedback by request",
    // Feedback by request id looked its prediction up by id alone, which the log's (deployment,
    // time) key cannot serve: every label scanned the deployment's log (bench/volumes stalled at
    // 100k rows). Server-made ids carry their time; the others get a row here.
    statements: [(d) => REQUEST_TIMES_TABLE(d).replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS")],
    convert: backfillRequestTimes,
  },
];
