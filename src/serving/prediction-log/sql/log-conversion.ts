/**
 * Moving a log written in the JSON text layout (serving migration 1: prediction_log, feedback)
 * into the compact tables, page by page in key order, then dropping the old tables. Runs inside
 * the migration's transaction: the upgrade is all or nothing.
 */
import type { Queryable, SqlDialect, SqlValue } from "../../../core/db/database.js";
import type { FeedbackRecord, PredictionRecord } from "../prediction-log-store.js";
import { DayPartitions } from "./day-partitions.js";
import { LogCatalog } from "./log-catalog.js";
import { LogWriter } from "./log-writer.js";

const PAGE = 5_000;

type Num = number | string;

interface OldRow {
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

interface OldFeedback {
  id: string;
  deployment: string;
  request_id: string | null;
  row_index: Num | null;
  routing_key: string | null;
  outcome: string;
  time: Num;
}

/** Convert every old row and feedback, then drop the old tables. */
export async function convertJsonLog(tx: Queryable, dialect: SqlDialect): Promise<void> {
  const writer = new LogWriter(
    new LogCatalog(),
    dialect,
    dialect.name === "postgres" ? new DayPartitions() : undefined,
  );
  let after: SqlValue[] | undefined;
  for (;;) {
    const rows: OldRow[] = await tx.all<OldRow>(
      `SELECT deployment, request_id, row_index, variant, shadow, model_name, model_version, routing_key,
         inputs_json, score, label, time, latency_ms FROM prediction_log
       ${after ? "WHERE (deployment, time, request_id, row_index, variant) > (?, ?, ?, ?, ?)" : ""}
       ORDER BY deployment, time, request_id, row_index, variant LIMIT ${PAGE}`,
      after ?? [],
    );
    if (rows.length === 0) break;
    await writer.insert(tx, await writer.prepare(tx, rows.map(oldRecord)));
    const last = rows[rows.length - 1] as OldRow;
    after = [last.deployment, last.time, last.request_id, last.row_index, last.variant];
  }
  let from: SqlValue[] | undefined;
  for (;;) {
    const page: OldFeedback[] = await tx.all<OldFeedback>(
      `SELECT id, deployment, request_id, row_index, routing_key, outcome, time FROM feedback
       ${from ? "WHERE (deployment, time, id) > (?, ?, ?)" : ""} ORDER BY deployment, time, id LIMIT ${PAGE}`,
      from ?? [],
    );
    if (page.length === 0) break;
    await writer.insertFeedback(tx, await writer.prepareFeedback(tx, page.map(oldFeedback)));
    const last = page[page.length - 1] as OldFeedback;
    from = [last.deployment, last.time, last.id];
  }
  await tx.run("DROP TABLE prediction_log");
  await tx.run("DROP TABLE feedback");
}

function oldRecord(r: OldRow): PredictionRecord {
  return {
    deployment: r.deployment,
    requestId: r.request_id,
    row: Number(r.row_index),
    variant: r.variant === "candidate" ? "candidate" : "primary",
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

function oldFeedback(f: OldFeedback): FeedbackRecord {
  return {
    id: f.id,
    deployment: f.deployment,
    ...(f.request_id !== null ? { requestId: f.request_id } : {}),
    ...(f.row_index !== null ? { row: Number(f.row_index) } : {}),
    ...(f.routing_key !== null ? { routingKey: f.routing_key } : {}),
    outcome: f.outcome,
    time: Number(f.time),
  };
}
