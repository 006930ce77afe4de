/** Pipeline runs over SQL (SQLite or PostgreSQL through the portable {@link Database}). */
import type { Database, SqlValue } from "../../core/db/database.js";
import { notFound } from "../../core/errors.js";
import type { PipelineSpec } from "../pipeline-spec.js";
import type { PipelineRun, RunPatch, RunStore, StepContainer, StepPatch, StepProcess, StepRun } from "../run-store.js";
import { tailBytes } from "../run-store.js";

const RUN_COLUMNS =
  "id, pipeline, spec_json, spec_path, params_json, status, trigger_kind, tracking_run_id, created_time, start_time, end_time, error, trigger_json, delivery_id, delivery_digest";
const RUN_SELECT = `${RUN_COLUMNS}, cancel_requested, lease_holder`;
const STEP_COLUMNS =
  "run_id, step, status, attempts, cache_key, outputs_json, tracking_run_id, start_time, end_time, error, log, process_json, container_json";

interface RunRow {
  id: string;
  pipeline: string;
  spec_json: string;
  spec_path: string | null;
  params_json: string;
  status: string;
  trigger_kind: string;
  tracking_run_id: string | null;
  created_time: number | string;
  start_time: number | string | null;
  end_time: number | string | null;
  error: string | null;
  trigger_json: string | null;
  delivery_id: string | null;
  delivery_digest: string | null;
  cancel_requested?: number | string | boolean;
  lease_holder?: string | null;
}

interface StepRow {
  run_id: string;
  step: string;
  status: string;
  attempts: number | string;
  cache_key: string | null;
  outputs_json: string | null;
  tracking_run_id: string | null;
  start_time: number | string | null;
  end_time: number | string | null;
  error: string | null;
  log: string;
  process_json: string | null;
  container_json: string | null;
}

const RUN_FIELDS: Record<keyof RunPatch, string> = {
  status: "status",
  trackingRunId: "tracking_run_id",
  startTime: "start_time",
  endTime: "end_time",
  error: "error",
  cancelRequested: "cancel_requested",
  leaseHolder: "lease_holder",
};

const STEP_FIELDS: Record<keyof StepPatch, string> = {
  status: "status",
  attempts: "attempts",
  cacheKey: "cache_key",
  outputs: "outputs_json",
  trackingRunId: "tracking_run_id",
  startTime: "start_time",
  endTime: "end_time",
  error: "error",
  process: "process_json",
  container: "container_json",
};

/** The SQL {@link RunStore}. Needs the "pipelines" migrations applied. */
export class SqlRunStore implements RunStore {
  constructor(private readonly db: Database) {}

  async create(run: PipelineRun, steps: StepRun[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.run(`INSERT INTO pipeline_runs (${RUN_COLUMNS}) VALUES (${marks(15)})`, [
        run.id,
        run.pipeline,
        JSON.stringify(run.spec),
        run.specPath ?? null,
        JSON.stringify(run.params),
        run.status,
        run.trigger,
        run.trackingRunId ?? null,
        run.createdTime,
        run.startTime ?? null,
        run.endTime ?? null,
        run.error ?? null,
        run.triggerData ? JSON.stringify(run.triggerData) : null,
        run.delivery?.id ?? null,
        run.delivery?.digest ?? null,
      ]);
      const rows = steps.map((s, i): SqlValue[] => [
        s.runId,
        s.step,
        i,
        run.pipeline,
        s.status,
        s.attempts,
        s.cacheKey ?? null,
        s.outputs ? JSON.stringify(s.outputs) : null,
        s.trackingRunId ?? null,
        s.startTime ?? null,
        s.endTime ?? null,
        s.error ?? null,
        tailBytes(s.log),
        s.process ? JSON.stringify(s.process) : null,
        s.container ? JSON.stringify(s.container) : null,
      ]);
      if (rows.length > 0) {
        const cols = ["run_id", "step", "position", "pipeline", ...STEP_COLUMNS.split(", ").slice(2)];
        await tx.insertMany("pipeline_step_runs", cols, rows);
      }
    });
  }

  async get(id: string): Promise<PipelineRun> {
    const row = await this.db.get<RunRow>(`SELECT ${RUN_SELECT} FROM pipeline_runs WHERE id = ?`, [id]);
    if (!row) throw notFound(`Pipeline run '${id}' does not exist.`);
    return toRun(row);
  }

  async list(options: { pipeline?: string; limit?: number } = {}): Promise<PipelineRun[]> {
    const limit = Math.max(1, Math.min(1000, Math.floor(options.limit ?? 100)));
    const where = options.pipeline === undefined ? "" : "WHERE pipeline = ?";
    const params: SqlValue[] = options.pipeline === undefined ? [limit] : [options.pipeline, limit];
    const rows = await this.db.all<RunRow>(
      `SELECT ${RUN_SELECT} FROM pipeline_runs ${where} ORDER BY created_time DESC, id DESC LIMIT ?`,
      params,
    );
    return rows.map(toRun);
  }

  async update(id: string, patch: RunPatch): Promise<void> {
    const { sets, values } = assignments(patch, RUN_FIELDS, (k, v) =>
      k === "cancelRequested" ? (v ? 1 : 0) : undefined,
    );
    if (sets.length === 0) return;
    const n = await this.db.run(`UPDATE pipeline_runs SET ${sets.join(", ")} WHERE id = ?`, [...values, id]);
    if (n === 0) throw notFound(`Pipeline run '${id}' does not exist.`);
  }

  async requestCancel(id: string): Promise<void> {
    const n = await this.db.run("UPDATE pipeline_runs SET cancel_requested = 1 WHERE id = ?", [id]);
    if (n === 0) throw notFound(`Pipeline run '${id}' does not exist.`);
  }

  async steps(runId: string): Promise<StepRun[]> {
    const rows = await this.db.all<StepRow>(
      `SELECT ${STEP_COLUMNS} FROM pipeline_step_runs WHERE run_id = ? ORDER BY position`,
      [runId],
    );
    return rows.map(toStep);
  }

  async updateStep(runId: string, step: string, patch: StepPatch): Promise<void> {
    const { sets, values } = assignments(patch, STEP_FIELDS, (k, v) =>
      (k === "outputs" || k === "process" || k === "container") && v !== undefined ? JSON.stringify(v) : undefined,
    );
    if (sets.length === 0) return;
    const n = await this.db.run(`UPDATE pipeline_step_runs SET ${sets.join(", ")} WHERE run_id = ? AND step = ?`, [
      ...values,
      runId,
      step,
    ]);
    if (n === 0) throw notFound(`Pipeline run '${runId}' has no step '${step}'.`);
  }

  async resetStep(runId: string, step: string): Promise<void> {
    await this.db.run(
      `UPDATE pipeline_step_runs SET status = 'pending', cache_key = NULL, outputs_json = NULL, start_time = NULL,
         end_time = NULL, error = NULL WHERE run_id = ? AND step = ?`,
      [runId, step],
    );
  }

  async appendLog(runId: string, step: string, text: string): Promise<void> {
    if (text === "") return;
    await this.db.transaction(async (tx) => {
      const row = await tx.get<{ log: string }>("SELECT log FROM pipeline_step_runs WHERE run_id = ? AND step = ?", [
        runId,
        step,
      ]);
      if (!row) throw notFound(`Pipeline run '${runId}' has no step '${step}'.`);
      await tx.run("UPDATE pipeline_step_runs SET log = ? WHERE run_id = ? AND step = ?", [
        tailBytes(row.log + text),
        runId,
        step,
      ]);
    });
  }

  async findCached(pipeline: string, cacheKey: string): Promise<StepRun | undefined> {
    const row = await this.db.get<StepRow>(
      `SELECT ${STEP_COLUMNS} FROM pipeline_step_runs
       WHERE pipeline = ? AND cache_key = ? AND status IN ('succeeded', 'cached') AND outputs_json IS NOT NULL
       ORDER BY end_time DESC LIMIT 1`,
      [pipeline, cacheKey],
    );
    return row ? toStep(row) : undefined;
  }

  async leased(pipeline: string): Promise<{ runId: string; holder: string }[]> {
    const rows = await this.db.all<{ id: string; lease_holder: string }>(
      `SELECT id, lease_holder FROM pipeline_runs
       WHERE pipeline = ? AND lease_holder IS NOT NULL AND status IN ('queued', 'running')
       ORDER BY created_time, id`,
      [pipeline],
    );
    return rows.map((r) => ({ runId: r.id, holder: r.lease_holder }));
  }

  async leftContainers(pipeline: string): Promise<string[]> {
    const rows = await this.db.all<{ id: string }>(
      `SELECT DISTINCT r.id FROM pipeline_step_runs s JOIN pipeline_runs r ON r.id = s.run_id
       WHERE s.pipeline = ? AND s.container_json IS NOT NULL AND r.status NOT IN ('queued', 'running')
       ORDER BY r.id`,
      [pipeline],
    );
    return rows.map((r) => r.id);
  }

  async findDelivery(delivery: { id?: string; digest: string }): Promise<string | undefined> {
    const row = await this.db.get<{ id: string }>(
      "SELECT id FROM pipeline_runs WHERE delivery_digest = ? OR delivery_id = ? LIMIT 1",
      [delivery.digest, delivery.id ?? null],
    );
    return row?.id;
  }
}

function marks(n: number): string {
  return Array.from({ length: n }, () => "?").join(", ");
}

/** `col = ?` pairs for the fields a patch names; an explicit undefined clears the column. */
function assignments<P extends object>(
  patch: P,
  columns: Record<keyof P, string>,
  encode: (key: keyof P, value: unknown) => SqlValue | undefined,
): { sets: string[]; values: SqlValue[] } {
  const sets: string[] = [];
  const values: SqlValue[] = [];
  for (const key of Object.keys(patch) as (keyof P)[]) {
    const value = patch[key] as unknown;
    sets.push(`${columns[key]} = ?`);
    values.push(encode(key, value) ?? (value === undefined ? null : (value as SqlValue)));
  }
  return { sets, values };
}

function num(v: number | string | null): number | undefined {
  return v === null ? undefined : Number(v);
}

function toRun(r: RunRow): PipelineRun {
  return {
    id: r.id,
    pipeline: r.pipeline,
    spec: JSON.parse(r.spec_json) as PipelineSpec,
    ...(r.spec_path !== null ? { specPath: r.spec_path } : {}),
    params: JSON.parse(r.params_json) as Record<string, unknown>,
    status: r.status as PipelineRun["status"],
    trigger: r.trigger_kind,
    ...(r.tracking_run_id !== null ? { trackingRunId: r.tracking_run_id } : {}),
    createdTime: Number(r.created_time),
    ...opt("startTime", num(r.start_time)),
    ...opt("endTime", num(r.end_time)),
    ...(r.error !== null ? { error: r.error } : {}),
    ...(Number(r.cancel_requested ?? 0) ? { cancelRequested: true } : {}),
    ...(r.trigger_json !== null ? { triggerData: JSON.parse(r.trigger_json) as Record<string, unknown> } : {}),
    ...(r.delivery_digest !== null
      ? { delivery: { ...(r.delivery_id !== null ? { id: r.delivery_id } : {}), digest: r.delivery_digest } }
      : {}),
    ...(r.lease_holder ? { leaseHolder: r.lease_holder } : {}),
  };
}

function toStep(r: StepRow): StepRun {
  return {
    runId: r.run_id,
    step: r.step,
    status: r.status as StepRun["status"],
    attempts: Number(r.attempts),
    ...(r.cache_key !== null ? { cacheKey: r.cache_key } : {}),
    ...(r.outputs_json !== null ? { outputs: JSON.parse(r.outputs_json) as Record<string, unknown> } : {}),
    ...(r.tracking_run_id !== null ? { trackingRunId: r.tracking_run_id } : {}),
    ...opt("startTime", num(r.start_time)),
    ...opt("endTime", num(r.end_time)),
    ...(r.error !== null ? { error: r.error } : {}),
    log: r.log,
    ...(r.process_json !== null ? { process: JSON.parse(r.process_json) as StepProcess } : {}),
    ...(r.container_json ? { container: JSON.parse(r.container_json) as StepContainer } : {}),
  };
}

function opt<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}
