/** The tracking store on any {@link Database}: SQLite or PostgreSQL through the same SQL. */
import type {
  DatasetInput,
  DatasetSummary,
  KeyValue,
  Metric,
  MetricWithRunId,
  Run,
  RunInfo,
  RunStatus,
} from "../../core/api/mlflow-entities.js";
import type { Clock } from "../../core/clock.js";
import type { Database, Queryable } from "../../core/db/database.js";
import { invalidParam, MwError, notFound } from "../../core/errors.js";
import { newRunId, randomRunName } from "../../core/ids.js";
import type { Page } from "../../core/page.js";
import { writeModelMetrics } from "../logged-models/model-links.js";
import { SqlLoggedModelStore } from "../logged-models/sql-logged-model-store.js";
import type {
  BulkIntervalQuery,
  DownsampledHistory,
  MetricInput,
  RunSearchQuery,
  TrackingStore,
} from "../tracking-store.js";
import { validateBatch, validateKey, validateTagValue } from "../validation.js";
import { writeMetrics, writeParams, writeTags } from "./log-batch.js";
import { MetricHistory } from "./metric-history.js";
import type { RunRow } from "./rows.js";
import { toRunInfo } from "./rows.js";
import { loadRuns } from "./run-loader.js";
import { searchRunIds } from "./run-search.js";

export interface SqlTrackingStoreOptions {
  /** Where new experiments put artifacts, e.g. `mlflow-artifacts:` (proxied) or a folder URI. */
  defaultArtifactRoot: string;
  clock: Clock;
}

/** MLflow's tracking semantics over SQL. */
export class SqlTrackingStore extends SqlLoggedModelStore implements TrackingStore {
  private readonly history: MetricHistory;

  constructor(db: Database, options: SqlTrackingStoreOptions) {
    super(db, options.clock, options.defaultArtifactRoot);
    this.history = new MetricHistory(db);
  }

  async createRun(input: {
    experimentId: string;
    userId?: string;
    runName?: string;
    startTime?: number;
    tags?: KeyValue[];
  }): Promise<Run> {
    const exp = await this.getExperiment(input.experimentId);
    if (exp.lifecycle_stage !== "active") {
      throw new MwError(
        "INVALID_STATE",
        `Could not create run under non-active experiment with ID ${exp.experiment_id}.`,
      );
    }
    const tags = input.tags ?? [];
    for (const t of tags) {
      validateKey("tag", t.key);
      validateTagValue(t);
    }
    const tagName = tags.findLast((t) => t.key === "mlflow.runName")?.value;
    if (input.runName && tagName !== undefined && tagName !== input.runName) {
      throw invalidParam(
        `Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='${input.runName}', mlflow.runName='${tagName}').`,
      );
    }
    const name = input.runName || tagName || randomRunName();
    const allTags = tagName === undefined ? [...tags, { key: "mlflow.runName", value: name }] : tags;
    const runId = newRunId();
    const userId = input.userId ?? tags.findLast((t) => t.key === "mlflow.user")?.value ?? "";
    const artifactUri = `${exp.artifact_location.replace(/\/+$/, "")}/${runId}/artifacts`;
    await this.db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO runs (run_uuid, name, experiment_id, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage)
         VALUES (?, ?, ?, ?, 'RUNNING', ?, NULL, ?, 'active')`,
        [runId, name, Number(exp.experiment_id), userId, input.startTime ?? this.clock.now(), artifactUri],
      );
      await writeTags(tx, runId, allTags);
    });
    return this.getRun(runId);
  }

  async updateRun(runId: string, update: { status?: RunStatus; endTime?: number; runName?: string }): Promise<RunInfo> {
    return this.db.transaction(async (tx) => {
      const row = await this.activeRun(tx, runId);
      const next: RunRow = {
        ...row,
        status: update.status ?? row.status,
        end_time: update.endTime ?? row.end_time,
        name: update.runName || row.name,
      };
      await tx.run("UPDATE runs SET status = ?, end_time = ?, name = ? WHERE run_uuid = ?", [
        next.status,
        next.end_time,
        next.name,
        runId,
      ]);
      if (update.runName) await writeTags(tx, runId, [{ key: "mlflow.runName", value: update.runName }]);
      return toRunInfo(next);
    });
  }

  async deleteRun(runId: string): Promise<void> {
    await this.runRow(this.db, runId);
    await this.db.run("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE run_uuid = ?", [
      this.clock.now(),
      runId,
    ]);
  }

  async restoreRun(runId: string): Promise<void> {
    await this.runRow(this.db, runId);
    await this.db.run("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_uuid = ?", [runId]);
  }

  async getRun(runId: string): Promise<Run> {
    const [run] = await loadRuns(this.db, [runId]);
    if (!run) throw notFound(`Run with id=${runId} not found`);
    return run;
  }

  async searchRuns(query: RunSearchQuery): Promise<Page<Run>> {
    const page = await searchRunIds(this.db, query);
    return { items: await loadRuns(this.db, page.items), nextPageToken: page.nextPageToken };
  }

  async logBatch(
    runId: string,
    batch: { metrics?: MetricInput[]; params?: KeyValue[]; tags?: KeyValue[] },
  ): Promise<void> {
    const metrics = batch.metrics ?? [];
    const params = batch.params ?? [];
    const tags = batch.tags ?? [];
    validateBatch(metrics, params, tags);
    await this.db.transaction(async (tx) => {
      await this.activeRun(tx, runId);
      await writeParams(tx, runId, params);
      await writeMetrics(tx, runId, metrics);
      await writeModelMetrics(tx, runId, metrics);
      await writeTags(tx, runId, tags);
    });
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.activeRun(tx, runId);
      const n = await tx.run("DELETE FROM tags WHERE run_uuid = ? AND key = ?", [runId, key]);
      if (n === 0) throw notFound(`No tag with name: ${key} in run with id ${runId}`);
    });
  }

  async logInputs(runId: string, inputs: DatasetInput[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      const run = await this.activeRun(tx, runId);
      const base =
        (await tx.get<{ n: number }>("SELECT COUNT(*) AS n FROM run_inputs WHERE run_uuid = ?", [runId]))?.n ?? 0;
      let position = Number(base);
      for (const input of inputs) {
        const datasetId = await this.upsertDataset(tx, run.experiment_id, input);
        const added = await tx.run(
          "INSERT INTO run_inputs (run_uuid, dataset_uuid, position) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
          [runId, datasetId, position],
        );
        position += added;
        // As MLflow: a dataset already linked to the run (by name and digest, earlier or in this
        // request) keeps the tags, so the context, it was first logged with; later ones are dropped.
        if (added === 0) continue;
        const tagRows = (input.tags ?? []).map((t) => [runId, datasetId, t.key, t.value]);
        await tx.insertMany(
          "run_input_tags",
          ["run_uuid", "dataset_uuid", "key", "value"],
          dedupeLast(tagRows),
          "ON CONFLICT (run_uuid, dataset_uuid, key) DO NOTHING",
        );
      }
    });
  }

  async logModel(runId: string, modelJson: string): Promise<void> {
    let model: unknown;
    try {
      model = JSON.parse(modelJson);
    } catch {
      throw invalidParam("Invalid value for parameter 'model_json': expected a JSON object.");
    }
    if (typeof model !== "object" || model === null || Array.isArray(model)) {
      throw invalidParam("Invalid value for parameter 'model_json': expected a JSON object.");
    }
    for (const field of ["artifact_path", "flavors", "utc_time_created", "run_id"]) {
      if (!(field in model)) throw invalidParam(`Model json is missing mandatory fields: ['${field}']`);
    }
    await this.db.transaction(async (tx) => {
      await this.activeRun(tx, runId);
      const row = await tx.get<{ value: string }>("SELECT value FROM tags WHERE run_uuid = ? AND key = ?", [
        runId,
        "mlflow.log-model.history",
      ]);
      const history = row ? (JSON.parse(row.value) as unknown[]) : [];
      history.push(model);
      await writeTags(tx, runId, [{ key: "mlflow.log-model.history", value: JSON.stringify(history) }]);
    });
  }

  async getMetricHistory(
    runId: string,
    key: string,
    page: { maxResults: number; pageToken?: string },
  ): Promise<Page<Metric>> {
    await this.runRow(this.db, runId);
    return this.history.page(runId, key, page.maxResults, page.pageToken);
  }

  async getMetricHistoryBulkInterval(query: BulkIntervalQuery): Promise<MetricWithRunId[]> {
    return this.history.bulkInterval(query);
  }

  async getMetricHistoryDownsampled(runId: string, key: string, maxPoints: number): Promise<DownsampledHistory> {
    if (!Number.isSafeInteger(maxPoints) || maxPoints < 1)
      throw invalidParam(`Invalid value ${maxPoints} for parameter 'max_points': expected a positive integer.`);
    await this.runRow(this.db, runId);
    return this.history.downsampled(runId, key, maxPoints);
  }

  async searchDatasets(experimentIds: readonly string[]): Promise<DatasetSummary[]> {
    return this.history.searchDatasets(experimentIds);
  }

  private async upsertDataset(tx: Queryable, experimentId: number, input: DatasetInput): Promise<string> {
    const d = input.dataset;
    const found = await tx.get<{ dataset_uuid: string }>(
      "SELECT dataset_uuid FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?",
      [experimentId, d.name, d.digest],
    );
    if (found) return found.dataset_uuid;
    const id = newRunId();
    await tx.run(
      "INSERT INTO datasets (dataset_uuid, experiment_id, name, digest, source_type, source, schema, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      [id, experimentId, d.name, d.digest, d.source_type, d.source, d.schema ?? null, d.profile ?? null],
    );
    return id;
  }

  private async runRow(db: Queryable, runId: string): Promise<RunRow> {
    const row = await db.get<RunRow>("SELECT * FROM runs WHERE run_uuid = ?", [runId]);
    if (!row) throw notFound(`Run with id=${runId} not found`);
    return row;
  }

  private async activeRun(db: Queryable, runId: string): Promise<RunRow> {
    const row = await this.runRow(db, runId);
    if (row.lifecycle_stage !== "active") {
      throw invalidParam(`The run ${runId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`);
    }
    return row;
  }
}

function dedupeLast(rows: string[][]): string[][] {
  const m = new Map<string, string[]>();
  for (const r of rows) m.set(r[2] as string, r);
  return [...m.values()];
}
