/** The rollout schema: one row per rollout, its spec and progress; events live with the deployment's. */
import type { Migration } from "../core/db/migrate.js";

export const rolloutMigrations: readonly Migration[] = [
  {
    module: "rollout",
    version: 1,
    name: "rollouts",
    statements: [
      `CREATE TABLE rollouts (
        id TEXT PRIMARY KEY,
        deployment TEXT NOT NULL,
        spec_json TEXT NOT NULL,
        phase TEXT NOT NULL,
        step_index INTEGER NOT NULL,
        weight DOUBLE PRECISION NOT NULL,
        failed_checks INTEGER NOT NULL,
        analyses INTEGER NOT NULL,
        primary_ref TEXT NOT NULL,
        created_time BIGINT NOT NULL,
        updated_time BIGINT NOT NULL,
        step_started_time BIGINT NOT NULL,
        last_analysis_time BIGINT,
        finished_time BIGINT,
        reason TEXT,
        promotion_json TEXT,
        settled INTEGER NOT NULL,
        generation BIGINT NOT NULL,
        lease_owner TEXT,
        lease_until BIGINT
      )`,
      // One active rollout per deployment, enforced by the database (two starts cannot both win).
      "CREATE UNIQUE INDEX rollouts_one_active ON rollouts (deployment) WHERE finished_time IS NULL",
      "CREATE INDEX rollouts_by_deployment ON rollouts (deployment, created_time)",
    ],
  },
  {
    module: "rollout",
    version: 2,
    name: "rollouts of alias moves, alias watch leases",
    statements: [
      // The alias move a rollout rolls out (absent for rollouts started by hand).
      "ALTER TABLE rollouts ADD COLUMN alias_move_json TEXT",
      // One replica at a time watches a deployment's alias (taken over when its lease expires).
      `CREATE TABLE alias_watch_leases (
        deployment TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        lease_until BIGINT NOT NULL
      )`,
    ],
  },
  {
    module: "rollout",
    version: 3,
    name: "drop the old rollout and alias watch leases (job leases replaced them)",
    statements: [
      "DROP TABLE alias_watch_leases",
      "ALTER TABLE rollouts DROP COLUMN lease_owner",
      "ALTER TABLE rollouts DROP COLUMN lease_until",
    ],
  },
];
