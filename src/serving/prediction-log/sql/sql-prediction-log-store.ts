/** The prediction log and label feedback over SQL (SQLite or PostgreSQL through {@link Database}). */
import type { Database, Queryable, SqlValue } from "../../../core/db/database.js";
import { invalidParam } from "../../../core/errors.js";
import type { FeedbackRecord, PredictionLogStore, PredictionQuery, PredictionRecord } from "../prediction-log-store.js";

/** SQLite's bind-parameter limit (32,766) is the lower of the two engines' (PostgreSQL: 65,535). */
const MAX_BIND_PARAMS = 32_766;
const DEFAULT_LIMIT = 10_000;

/** The prediction_log columns, in the order {@link predictionValues} gives them. */
export const PREDICTION_COLUMNS = [
  "deployment",
  "request_id",
  "row_index",
  "variant",
  "shadow",
  "model_name",
  "model_version",
  "routing_key",
  "inputs_json",
  "score",
  "label",
  "time",
  "latency_ms",
] as const;

const FEEDBACK_COLUMNS = ["id", "deployment", "request_id", "row_index", "routing_key", "outcome", "time"] as const;

// A retry after an ambiguous commit, or a client that reuses a request id, must not fail the
// whole batch on the primary key: the first record of a (request, row, variant) wins.
export const PREDICTION_CONFLICT = "ON CONFLICT (request_id, row_index, variant) DO NOTHING";

type Num = number | string;

interface PredictionRow {
  deployment: string;
  request_id: string;
  row_index: Num;
  variant: string;
  shadow: Num;
  model_name: string;
  model_version: string;
  routing_key: string | null;
  inputs_json: string;
  score: Num | null;
  label: string;
  time: Num;
  latency_ms: Num;
}

interface FeedbackRow {
  id: string;
  deployment: string;
  request_id: string | null;
  row_index: Num | null;
  routing_key: string | null;
  outcome: string;
  time: Num;
}

/** A record as its prediction_log row values. */
export function predictionValues(r: PredictionRecord): SqlValue[] {
  return [
    r.deployment,
    r.requestId,
    r.row,
    r.variant,
    r.shadow ? 1 : 0,
    r.modelName,
    r.modelVersion,
    r.routingKey ?? null,
    r.inputs,
    // SQLite turns NaN into NULL on its own and PostgreSQL would keep it: NULL on both, read as NaN.
    Number.isNaN(r.score) ? null : r.score,
    r.label,
    r.time,
    r.latencyMs,
  ];
}

function toPrediction(r: PredictionRow): PredictionRecord {
  return {
    deployment: r.deployment,
    requestId: r.request_id,
    row: Number(r.row_index),
    variant: r.variant as PredictionRecord["variant"],
    shadow: Number(r.shadow) === 1,
    modelName: r.model_name,
    modelVersion: r.model_version,
    ...(r.routing_key !== null ? { routingKey: r.routing_key } : {}),
    inputs: r.inputs_json,
    score: r.score === null ? Number.NaN : Number(r.score),
    label: r.label,
    time: Number(r.time),
    latencyMs: Number(r.latency_ms),
  };
}

function feedbackValues(f: FeedbackRecord): SqlValue[] {
  return [f.id, f.deployment, f.requestId ?? null, f.row ?? null, f.routingKey ?? null, f.outcome, f.time];
}

function toFeedback(r: FeedbackRow): FeedbackRecord {
  return {
    id: r.id,
    deployment: r.deployment,
    ...(r.request_id !== null ? { requestId: r.request_id } : {}),
    ...(r.row_index !== null ? { row: Number(r.row_index) } : {}),
    ...(r.routing_key !== null ? { routingKey: r.routing_key } : {}),
    outcome: r.outcome,
    time: Number(r.time),
  };
}

/** The row limit of a query: a positive integer, default 10,000. */
function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw invalidParam(`limit must be a positive integer, got ${limit}.`);
  }
  return limit;
}

/** Insert rows in statements that each stay under the bind-parameter limit. */
async function insertChunked(
  tx: Queryable,
  table: string,
  columns: readonly string[],
  rows: SqlValue[][],
  conflict?: string,
): Promise<void> {
  const per = Math.floor(MAX_BIND_PARAMS / columns.length);
  for (let start = 0; start < rows.length; start += per) {
    await tx.insertMany(table, columns, rows.slice(start, start + per), conflict);
  }
}

/** The SQL {@link PredictionLogStore}. Needs the "serving" migrations applied. */
export class SqlPredictionLogStore implements PredictionLogStore {
  constructor(private readonly db: Database) {}

  async appendPredictions(records: readonly PredictionRecord[]): Promise<void> {
    if (records.length === 0) return;
    const rows = records.map(predictionValues);
    await this.db.transaction((tx) =>
      insertChunked(tx, "prediction_log", PREDICTION_COLUMNS, rows, PREDICTION_CONFLICT),
    );
  }

  async appendFeedback(records: readonly FeedbackRecord[]): Promise<void> {
    if (records.length === 0) return;
    const rows = records.map(feedbackValues);
    await this.db.transaction((tx) => insertChunked(tx, "feedback", FEEDBACK_COLUMNS, rows));
  }

  async listPredictions(query: PredictionQuery): Promise<PredictionRecord[]> {
    const limit = checkLimit(query.limit);
    const where = ["deployment = ?"];
    const params: SqlValue[] = [query.deployment];
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
      params.push(query.variant);
    }
    params.push(limit);
    const rows = await this.db.all<PredictionRow>(
      `SELECT ${PREDICTION_COLUMNS.join(", ")} FROM prediction_log WHERE ${where.join(" AND ")}
       ORDER BY time, request_id, row_index, variant LIMIT ?`,
      params,
    );
    return rows.map(toPrediction);
  }

  async listFeedback(query: { deployment: string; since?: number; limit?: number }): Promise<FeedbackRecord[]> {
    const limit = checkLimit(query.limit);
    const since = query.since !== undefined ? " AND time >= ?" : "";
    const params: SqlValue[] = [query.deployment, ...(query.since !== undefined ? [query.since] : []), limit];
    const rows = await this.db.all<FeedbackRow>(
      `SELECT ${FEEDBACK_COLUMNS.join(", ")} FROM feedback WHERE deployment = ?${since} ORDER BY time, id LIMIT ?`,
      params,
    );
    return rows.map(toFeedback);
  }

  async countPredictions(deployment: string): Promise<number> {
    const row = await this.db.get<{ n: Num }>("SELECT COUNT(*) AS n FROM prediction_log WHERE deployment = ?", [
      deployment,
    ]);
    return Number(row?.n ?? 0);
  }
}
