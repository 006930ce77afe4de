/** A runner on an in-memory SQLite database with tracking, a temp folder, and recorded sleeps and events. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { systemClock } from "../../core/clock.js";
import type { Database } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { openSqlite } from "../../core/db/sqlite/sqlite-database.js";
import { leaseMigrations } from "../../core/leases/migrations.js";
import { SqlLeaseStore } from "../../core/leases/sql/sql-lease-store.js";
import { trackingMigrations } from "../../tracking/migrations.js";
import { SqlTrackingStore } from "../../tracking/sql/sql-tracking-store.js";
import { stepExecutors } from "../executors.js";
import { pipelineMigrations } from "../migrations.js";
import { parsePipeline } from "../parse-pipeline.js";
import { PipelineRunner } from "../pipeline-runner.js";
import type { StepType } from "../pipeline-spec.js";
import type { StepEvent } from "../run-execution.js";
import { RunLeases } from "../run-lease.js";
import { SqlRunStore } from "../sql/sql-run-store.js";
import type { StepExecutor } from "../step-executor.js";

export interface RunnerFixture {
  dir: string;
  db: Database;
  store: SqlRunStore;
  /** Pipeline leases on the same database (short poll so queued runs start promptly). */
  leases: RunLeases;
  tracking: SqlTrackingStore;
  runner: PipelineRunner;
  sleeps: number[];
  events: StepEvent[];
  /** Write `pipeline.yaml` in the folder and parse it. */
  spec(yaml: string): ReturnType<typeof parsePipeline>;
  specPath: string;
  close(): Promise<void>;
}

/** A fixture; `extra` executors replace or add types (e.g. a scripted `train`). */
export async function runnerFixture(
  extra: [StepType, StepExecutor][] = [],
  options: { maxParallel?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<RunnerFixture> {
  const dir = await mkdtemp(join(tmpdir(), "mw-pipeline-"));
  const db = openSqlite(":memory:");
  await migrate(db, [...trackingMigrations, ...leaseMigrations, ...pipelineMigrations]);
  const tracking = new SqlTrackingStore(db, { defaultArtifactRoot: "mlflow-artifacts:", clock: systemClock });
  await tracking.init();
  const store = new SqlRunStore(db);
  const leases = new RunLeases({ leases: new SqlLeaseStore(db), store, clock: systemClock, pollMs: 20 });
  const sleeps: number[] = [];
  const events: StepEvent[] = [];
  const runner = new PipelineRunner({
    store,
    executors: stepExecutors({ env: options.env ?? process.env }, extra),
    workRoot: join(dir, ".work"),
    tracking,
    trackingUri: "http://127.0.0.1:5999",
    trackingToken: () => "mwt_test-step-token",
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    maxParallel: options.maxParallel ?? 2,
    gitCommit: async () => undefined,
  });
  const specPath = join(dir, "pipeline.yaml");
  return {
    dir,
    db,
    store,
    leases,
    tracking,
    runner,
    sleeps,
    events,
    specPath,
    spec: (yaml) => parsePipeline(yaml, specPath),
    close: async () => {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Write a file under the fixture folder. */
export function put(f: RunnerFixture, name: string, text: string): Promise<void> {
  return writeFile(join(f.dir, name), text);
}
