/** The prediction log and label feedback over SQL (SQLite or PostgreSQL through {@link Database}). */
import type { Database, Queryable, SqlValue } from "../../../core/db/database.js";
import { invalidParam } from "../../../core/errors.js";
import type {
  FeedbackRecord,
  LabeledScore,
  LabeledScoreQuery,
  PredictionLogStore,
  PredictionQuery,
  PredictionRecord,
} from "../prediction-log-store.js";

/** SQLite's bind-parameter limit (32,766) is the lower of the two engines' (PostgreSQL: 65,535). */
const MAX_BIND_PARAMS = 32_766;
const DEFAULT_LIMIT = 10_000;
const DEFAULT_LABELED_LIMIT = 100_000;

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

interface LabeledRow {
  variant: string;
  shadow: Num;
  model_name: string;
  model_version: string;
  score: Num;
  label: string;
  outcome: string;
  time: Num;
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
function checkLimit(limit: number | undefined, fallback = DEFAULT_LIMIT): number {
  if (limit === undefined) return fallback;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw invalidParam(`limit must be a positive integer, got ${limit}.`);
  }
  return limit;
}

/**
 * Predictions of a window joined with their feedback. `hits` pairs each scored prediction with every
 * feedback row that refers to it: by request id and row, or by routing key, where the target is
 * found among all of the deployment's predictions (not only the window's), so feedback for a later
 * prediction never labels an earlier one. The window bounds come first in both branches: the
 * request-id branch walks prediction_log_by_time; the key branch starts from feedback at or after
 * `since` (a prediction cannot be labelled by earlier feedback) and finds its target through
 * prediction_log_by_key. ROW_NUMBER then keeps the latest feedback per prediction.
 */
function labeledScoresSql(until: boolean): string {
  const window = `p.deployment = ? AND p.time >= ?${until ? " AND p.time < ?" : ""} AND p.score IS NOT NULL`;
  const cols =
    "p.request_id, p.row_index, p.variant, p.shadow, p.model_name, p.model_version, p.score, p.label, p.time";
  return `WITH hits AS (
      SELECT ${cols}, f.outcome, f.time AS feedback_time, f.id AS feedback_id
      FROM prediction_log p
      JOIN feedback f ON f.deployment = p.deployment AND f.request_id = p.request_id
        AND COALESCE(f.row_index, 0) = p.row_index
      WHERE ${window}
    UNION ALL
      SELECT ${cols}, f.outcome, f.time AS feedback_time, f.id AS feedback_id
      FROM feedback f
      JOIN prediction_log p ON p.deployment = f.deployment AND p.routing_key = f.routing_key
        AND p.time = (
          SELECT MAX(q.time) FROM prediction_log q
          WHERE q.deployment = f.deployment AND q.routing_key = f.routing_key AND q.time <= f.time
        )
      WHERE f.deployment = ? AND f.request_id IS NULL AND f.routing_key IS NOT NULL AND f.time >= ? AND ${window}
    ), ranked AS (
      SELECT hits.*, ROW_NUMBER() OVER (
        PARTITION BY request_id, row_index, variant ORDER BY feedback_time DESC, feedback_id DESC
      ) AS pick
      FROM hits
    )
    SELECT variant, shadow, model_name, model_version, score, label, outcome, time FROM ranked WHERE pick = 1
    ORDER BY time DESC, request_id, row_index, variant LIMIT ?`;
}

function toLabeled(r: LabeledRow): LabeledScore {
  return {
    variant: r.variant as LabeledScore["variant"],
    shadow: Number(r.shadow) === 1,
    modelName: r.model_name,
    modelVersion: r.model_version,
    score: Number(r.score),
    label: r.label,
    outcome: r.outcome,
    time: Number(r.time),
  };
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

  async listLabeledScores(query: LabeledScoreQuery): Promise<LabeledScore[]> {
    const limit = checkLimit(query.limit, DEFAULT_LABELED_LIMIT);
    for (const [field, v] of [
      ["since", query.since],
      ["until", query.until],
    ] as const) {
      if (v !== undefined && !Number.isFinite(v)) throw invalidParam(`${field} must be a finite number, got ${v}.`);
    }
    const window: SqlValue[] = [query.deployment, query.since];
    if (query.until !== undefined) window.push(query.until);
    const params = [...window, query.deployment, query.since, ...window, limit];
    const rows = await this.db.all<LabeledRow>(labeledScoresSql(query.until !== undefined), params);
    return rows.map(toLabeled);
  }

  async countPredictions(deployment: string): Promise<number> {
    const row = await this.db.get<{ n: Num }>("SELECT COUNT(*) AS n FROM prediction_log WHERE deployment = ?", [
      deployment,
    ]);
    return Number(row?.n ?? 0);
  }
}
