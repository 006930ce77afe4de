/**
 * The prediction log and label feedback over SQL (SQLite or PostgreSQL through {@link Database}),
 * in the compact layout of log-tables.ts.
 */
import type { Database, SqlValue } from "../../../core/db/database.js";
import { invalidParam } from "../../../core/errors.js";
import { encodeId, ID_TIME_SLACK_MS, keyHash, uuidV7Time } from "../encoding/compact-id.js";
import { decodeRowLabel } from "../encoding/row-data.js";
import type {
  FeedbackRecord,
  LabeledScore,
  LabeledScoreQuery,
  PredictionLogStore,
  PredictionQuery,
  PredictionRecord,
} from "../prediction-log-store.js";
import { DayPartitions } from "./day-partitions.js";
import { labeledScoresSql } from "./labeled-scores-sql.js";
import { LogCatalog } from "./log-catalog.js";
import type { StoredFeedback, StoredRow } from "./log-rows.js";
import { ROW_COLUMNS, toFeedback, toRecords, withDictionary } from "./log-rows.js";
import { LogWriter, variantCode } from "./log-writer.js";

const DEFAULT_LIMIT = 10_000;
const DEFAULT_LABELED_LIMIT = 100_000;

type Num = number | string;

interface LabeledRow {
  variant: Num;
  shadow: Num;
  model_id: Num;
  score: Num;
  data: Uint8Array;
  outcome: string;
  time: Num;
}

/** The row limit of a query: a positive integer, default 10,000. */
function checkLimit(limit: number | undefined, fallback = DEFAULT_LIMIT): number {
  if (limit === undefined) return fallback;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw invalidParam(`limit must be a positive integer, got ${limit}.`);
  }
  return limit;
}

/** The SQL {@link PredictionLogStore}. Needs the "serving" migrations applied. */
export class SqlPredictionLogStore implements PredictionLogStore {
  readonly catalog = new LogCatalog();
  private readonly writer: LogWriter;

  constructor(private readonly db: Database) {
    const partitions = db.dialect.name === "postgres" ? new DayPartitions() : undefined;
    this.writer = new LogWriter(this.catalog, db.dialect, partitions);
  }

  async appendPredictions(records: readonly PredictionRecord[]): Promise<void> {
    if (records.length === 0) return;
    const rows = await this.writer.prepare(this.db, records);
    await this.db.transaction((tx) => this.writer.insert(tx, rows));
  }

  async appendFeedback(records: readonly FeedbackRecord[]): Promise<void> {
    if (records.length === 0) return;
    const rows = await this.writer.prepareFeedback(this.db, records);
    await this.db.transaction((tx) => this.writer.insertFeedback(tx, rows));
  }

  async listPredictions(query: PredictionQuery): Promise<PredictionRecord[]> {
    const limit = checkLimit(query.limit);
    const id = await this.catalog.deploymentId(this.db, query.deployment, false);
    if (id === undefined) return [];
    const where = ["deployment_id = ?"];
    const params: SqlValue[] = [id];
    if (query.since !== undefined) {
      where.push("time >= ?");
      params.push(query.since);
    }
    if (query.until !== undefined) {
      where.push("time < ?");
      params.push(query.until);
    }
    if (query.variant !== undefined) {
      where.push("variant = ?");
      params.push(variantCode(query.variant));
    }
    params.push(limit);
    const rows = await this.db.all<StoredRow>(
      `SELECT ${ROW_COLUMNS} FROM log_predictions WHERE ${where.join(" AND ")}
       ORDER BY time, request_id, row_index, variant LIMIT ?`,
      params,
    );
    return toRecords(this.catalog, this.db, query.deployment, rows);
  }

  async listFeedback(query: { deployment: string; since?: number; limit?: number }): Promise<FeedbackRecord[]> {
    const limit = checkLimit(query.limit);
    const id = await this.catalog.deploymentId(this.db, query.deployment, false);
    if (id === undefined) return [];
    const since = query.since !== undefined ? " AND time >= ?" : "";
    const params: SqlValue[] = [id, ...(query.since !== undefined ? [query.since] : []), limit];
    const rows = await this.db.all<StoredFeedback>(
      `SELECT id, time, request_id, row_index, routing_key, outcome FROM log_feedback
       WHERE deployment_id = ?${since} ORDER BY time, id LIMIT ?`,
      params,
    );
    return rows.map((r) => toFeedback(query.deployment, r));
  }

  async listLabeledScores(query: LabeledScoreQuery): Promise<LabeledScore[]> {
    const limit = checkLimit(query.limit, DEFAULT_LABELED_LIMIT);
    for (const [field, v] of [
      ["since", query.since],
      ["until", query.until],
    ] as const) {
      if (v !== undefined && !Number.isFinite(v)) throw invalidParam(`${field} must be a finite number, got ${v}.`);
    }
    const id = await this.catalog.deploymentId(this.db, query.deployment, false);
    if (id === undefined) return [];
    const window: SqlValue[] = [query.since, ...(query.until !== undefined ? [query.until] : [])];
    const params = [id, ...window, id, query.since, ...window, limit];
    const rows = await this.db.all<LabeledRow>(labeledScoresSql(query.until !== undefined), params);
    const labels = await withDictionary(this.catalog, this.db, id, (dict) =>
      rows.map((r) => decodeRowLabel(r.data, Number(r.score), dict)),
    );
    const out: LabeledScore[] = [];
    for (const [i, r] of rows.entries()) {
      const model = await this.catalog.model(this.db, Number(r.model_id));
      out.push({
        variant: Number(r.variant) === 1 ? "primary" : "candidate",
        shadow: Number(r.shadow) === 1,
        modelName: model.name,
        modelVersion: model.version,
        score: Number(r.score),
        label: labels[i] as string,
        outcome: r.outcome,
        time: Number(r.time),
      });
    }
    return out;
  }

  async feedbackTargetTimes(records: readonly FeedbackRecord[]): Promise<(number | undefined)[]> {
    const out: (number | undefined)[] = [];
    for (const f of records) {
      const id = await this.catalog.deploymentId(this.db, f.deployment, false);
      if (id === undefined) {
        out.push(undefined);
        continue;
      }
      if (f.requestId !== undefined) {
        out.push(await this.requestTime(id, f.requestId, f.row ?? 0));
        continue;
      }
      // The key's latest time in log_keys.
      const row = await this.db.get<{ t: Num | null }>(
        "SELECT MAX(time) AS t FROM log_keys WHERE deployment_id = ? AND key_hash = ? AND time <= ?",
        [id, f.routingKey === undefined ? null : keyHash(f.routingKey), f.time],
      );
      out.push(row?.t === null || row?.t === undefined ? undefined : Number(row.t));
    }
    return out;
  }

  /**
   * When a request's row was logged (the feedback-by-request join's rule): searched near the time
   * a UUIDv7 id carries, else at the times log_request_times holds for the id — one key range
   * either way, never a scan of the deployment's log.
   */
  private async requestTime(deploymentId: number, requestId: string, rowIndex: number): Promise<number | undefined> {
    const bytes = encodeId(requestId);
    const at = uuidV7Time(requestId);
    if (at !== undefined) {
      const near = await this.db.get<{ t: Num | null }>(
        `SELECT MIN(time) AS t FROM log_predictions
         WHERE deployment_id = ? AND time >= ? AND time <= ? AND request_id = ? AND row_index = ?`,
        [deploymentId, at - ID_TIME_SLACK_MS, at + ID_TIME_SLACK_MS, bytes, rowIndex],
      );
      if (near?.t !== null && near?.t !== undefined) return Number(near.t);
    }
    const row = await this.db.get<{ t: Num | null }>(
      `SELECT MIN(p.time) AS t FROM log_request_times r CROSS JOIN log_predictions p
       WHERE r.deployment_id = ? AND r.request_id = ? AND p.row_index = ?
         AND p.deployment_id = r.deployment_id AND p.time = r.time AND p.request_id = r.request_id`,
      [deploymentId, bytes, rowIndex],
    );
    return row?.t === null || row?.t === undefined ? undefined : Number(row.t);
  }

  async countPredictions(deployment: string): Promise<number> {
    const id = await this.catalog.deploymentId(this.db, deployment, false);
    if (id === undefined) return 0;
    const row = await this.db.get<{ n: Num }>("SELECT COUNT(*) AS n FROM log_predictions WHERE deployment_id = ?", [
      id,
    ]);
    return Number(row?.n ?? 0);
  }
}
