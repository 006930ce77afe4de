/** The schema of job leases: one row per leased job name. */
import type { Migration } from "../db/migrate.js";

export const leaseMigrations: readonly Migration[] = [
  {
    module: "leases",
    version: 1,
    name: "job leases",
    statements: [
      `CREATE TABLE job_leases (
        name TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        lease_until BIGINT NOT NULL
      )`,
    ],
  },
];
