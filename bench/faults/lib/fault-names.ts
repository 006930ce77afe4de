/** The faults of the issue-17 scenario, in the order they run. */
export const FAULT_NAMES = [
  "pg-kill-once",
  "pg-kill-every-2s",
  "pg-stop-fast",
  "pg-stop-immediate",
  "pg-lock-runs",
  "sqlite-exclusive",
  "artifacts-read-only",
  "cache-deleted",
] as const;

export type FaultName = (typeof FAULT_NAMES)[number];

/** What `--quick` runs (one fault of each kind, for CI): the others are variants of these. */
export const QUICK_FAULTS: readonly FaultName[] = [
  "pg-kill-every-2s",
  "pg-stop-immediate",
  "pg-lock-runs",
  "sqlite-exclusive",
  "artifacts-read-only",
];

/** One line per fault, for the report. */
export const FAULT_TITLES: Record<FaultName, string> = {
  "pg-kill-once": "pg_terminate_backend on the server's connections, once",
  "pg-kill-every-2s": "pg_terminate_backend on the server's connections every 2 s",
  "pg-stop-fast": "pg_ctl stop -m fast, then start",
  "pg-stop-immediate": "pg_ctl stop -m immediate, then start",
  "pg-lock-runs": "LOCK TABLE runs IN ACCESS EXCLUSIVE MODE held",
  "sqlite-exclusive": "SQLite: another process holds BEGIN EXCLUSIVE",
  "artifacts-read-only": "artifact folder read-only (chmod a-w on every folder; up without CAP_DAC_OVERRIDE)",
  "cache-deleted": "serving cache folder deleted (every 5 ms) while the deployment gets a 50 % candidate",
};
