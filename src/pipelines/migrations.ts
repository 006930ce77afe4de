/**
 * The pipelines schema: runs and their steps (with the cache key that finds earlier results), the
 * lease holder running a run, trigger details, and the process group of a running command step or
 * the Job or container of a running container step.
 */
import type { Migration } from "../core/db/migrate.js";

export const pipelineMigrations: readonly Migration[] = [
  {
    module: "pipelines",
    version: 1,
    name: "pipeline runs and step runs",
    statements: [
      `CREATE TABLE pipeline_runs (
        id TEXT PRIMARY KEY,
        pipeline TEXT NOT NULL,
        spec_json TEXT NOT NULL,
        spec_path TEXT,
        params_json TEXT NOT NULL,
        status TEXT NOT NULL,
        trigger_kind TEXT NOT NULL,
        tracking_run_id TEXT,
        created_time BIGINT NOT NULL,
        start_time BIGINT,
        end_time BIGINT,
        error TEXT
      )`,
      "CREATE INDEX pipeline_runs_by_pipeline ON pipeline_runs (pipeline, created_time)",
      "CREATE INDEX pipeline_runs_by_time ON pipeline_runs (created_time)",
      `CREATE TABLE pipeline_step_runs (
        run_id TEXT NOT NULL REFERENCES pipeline_runs (id),
        step TEXT NOT NULL,
        position INTEGER NOT NULL,
        pipeline TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        cache_key TEXT,
        outputs_json TEXT,
        tracking_run_id TEXT,
        start_time BIGINT,
        end_time BIGINT,
        error TEXT,
        log TEXT NOT NULL,
        PRIMARY KEY (run_id, step)
      )`,
      "CREATE INDEX pipeline_step_runs_by_key ON pipeline_step_runs (pipeline, cache_key)",
    ],
  },
  {
    module: "pipelines",
    version: 2,
    name: "run leases across processes and cancellation requests",
    statements: [
      `CREATE TABLE pipeline_locks (
        pipeline TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        run_id TEXT,
        expires_at BIGINT NOT NULL
      )`,
      "ALTER TABLE pipeline_runs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0",
    ],
  },
  {
    module: "pipelines",
    version: 3,
    name: "trigger details and webhook deliveries on runs, step process groups",
    statements: [
      "ALTER TABLE pipeline_runs ADD COLUMN trigger_json TEXT",
      "ALTER TABLE pipeline_runs ADD COLUMN delivery_id TEXT",
      "ALTER TABLE pipeline_runs ADD COLUMN delivery_digest TEXT",
      "CREATE INDEX pipeline_runs_by_delivery_id ON pipeline_runs (delivery_id)",
      "CREATE INDEX pipeline_runs_by_delivery_digest ON pipeline_runs (delivery_digest)",
      "ALTER TABLE pipeline_step_runs ADD COLUMN process_json TEXT",
    ],
  },
  {
    module: "pipelines",
    version: 4,
    name: "run leases move to the job leases (pipeline-run/NAME); the run records its lease holder",
    // A lock held or expired when this runs carries over as the same lease with the same holder and
    // expiry, and its run names that holder, so a later takeover still finds and interrupts the run.
    statements: [
      "ALTER TABLE pipeline_runs ADD COLUMN lease_holder TEXT",
      `UPDATE pipeline_runs SET lease_holder = (SELECT holder FROM pipeline_locks WHERE pipeline_locks.run_id = pipeline_runs.id)
       WHERE id IN (SELECT run_id FROM pipeline_locks WHERE run_id IS NOT NULL)`,
    ],
    convert: async (tx) => {
      const locks = await tx.all<{ pipeline: string; holder: string; expires_at: number | string }>(
        "SELECT pipeline, holder, expires_at FROM pipeline_locks",
      );
      // Only a home with locks needs job_leases here (the platform applies leases:1 before this).
      for (const l of locks) {
        await tx.run(
          "INSERT INTO job_leases (name, owner, lease_until) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
          [`pipeline-run/${l.pipeline}`, l.holder, Number(l.expires_at)],
        );
      }
      await tx.run("DROP TABLE pipeline_locks");
    },
  },
  {
    module: "pipelines",
    version: 5,
    name: "the Job or container a container step started",
    statements: ["ALTER TABLE pipeline_step_runs ADD COLUMN container_json TEXT"],
  },
];
