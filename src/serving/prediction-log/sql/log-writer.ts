/**
 * Writing the compact log: records become rows in two steps. `prepare` resolves ids and gives
 * dictionary codes to new strings (in their own statements) and encodes the rows; `insert` writes
 * them, with their key-index entries and version spans, inside the caller's transaction.
 */
import type { Queryable, SqlDialect, SqlValue } from "../../../core/db/database.js";
import { ByteWriter } from "../encoding/bytes.js";
import { encodeId, idFindsTime, keyHash } from "../encoding/compact-id.js";
import type { ParsedInputs } from "../encoding/row-data.js";
import { codable, encodeRowData, parseInputs } from "../encoding/row-data.js";
import type { FeedbackRecord, PredictionRecord } from "../prediction-log-store.js";
import type { DayPartitions } from "./day-partitions.js";
import type { LogCatalog } from "./log-catalog.js";
import type { DeploymentDictionary } from "./log-dictionary.js";
import { LABEL_COLUMN } from "./log-dictionary.js";

export const PREDICTION_COLUMNS = [
  "deployment_id",
  "time",
  "request_id",
  "row_index",
  "variant",
  "shadow",
  "model_id",
  "routing_key",
  "score",
  "latency_us",
  "data",
] as const;

export const FEEDBACK_COLUMNS = [
  "id",
  "deployment_id",
  "time",
  "request_id",
  "row_index",
  "routing_key",
  "key_hash",
  "outcome",
] as const;

// A retry after an ambiguous commit must not fail the whole batch on the key: the first record of a
// (deployment, time, request, row, variant) wins.
const CONFLICT = "ON CONFLICT DO NOTHING";

/** Rows per multi-row INSERT on SQLite (fewer statement steps); PostgreSQL batches by parameters. */
const GROUP_ROWS = 64;

/** Encoded rows, ready to insert. */
export interface PreparedRows {
  predictions: SqlValue[][];
  keys: SqlValue[][];
  /** Request times for ids that do not carry them (log_request_times). */
  requests: SqlValue[][];
  versions: SqlValue[][];
}

/** Variant as stored: 0 candidate, 1 primary (so a request's rows sort as the names do). */
export function variantCode(variant: PredictionRecord["variant"]): number {
  return variant === "primary" ? 1 : 0;
}

/** Encodes and inserts records. One per store (it keeps the catalog's caches warm). */
export class LogWriter {
  private readonly bytes = new ByteWriter();

  constructor(
    private readonly catalog: LogCatalog,
    private readonly dialect: SqlDialect,
    private readonly partitions?: DayPartitions,
  ) {}

  /** Resolve ids and codes (committing new ones), then encode. Throws on a malformed record. */
  async prepare(q: Queryable, records: readonly PredictionRecord[]): Promise<PreparedRows> {
    const parsed = records.map((r) => parseInputs(r.inputs));
    const deploymentIds = await this.deploymentIds(q, records);
    const dictionaries = await this.codeStrings(q, records, parsed, deploymentIds);
    const out: PreparedRows = { predictions: [], keys: [], requests: [], versions: [] };
    const keys = new Set<string>();
    const requests = new Set<string>();
    const spans = new Map<string, SqlValue[]>();
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as PredictionRecord;
      const inputs = parsed[i] as ParsedInputs;
      const deploymentId = deploymentIds.get(r.deployment) as number;
      const dict = dictionaries.get(deploymentId) as DeploymentDictionary;
      const modelId = await this.catalog.modelId(q, r.modelName, r.modelVersion);
      const schemaCode = inputs.schema === undefined ? undefined : dict.codeOf(inputs.schema);
      const data = encodeRowData(this.bytes, schemaCode, r.label, r.score, inputs, (s) => dict.codeOf(s));
      out.predictions.push(rowValues(r, deploymentId, modelId, data));
      if (r.routingKey !== undefined) {
        const hash = keyHash(r.routingKey);
        const k = `${deploymentId}:${hash}:${r.time}`;
        if (!keys.has(k)) out.keys.push([deploymentId, hash, r.time]);
        keys.add(k);
      }
      if (!idFindsTime(r.requestId, r.time)) {
        const k = `${deploymentId}:${r.requestId}:${r.time}`;
        if (!requests.has(k)) out.requests.push([deploymentId, encodeId(r.requestId), Math.round(r.time)]);
        requests.add(k);
      }
      const span = `${deploymentId}:${modelId}:${schemaCode ?? -1}`;
      const s = spans.get(span);
      if (!s) spans.set(span, [deploymentId, modelId, schemaCode ?? -1, r.time, r.time]);
      else {
        s[3] = Math.min(s[3] as number, r.time);
        s[4] = Math.max(s[4] as number, r.time);
      }
    }
    out.versions = [...spans.values()];
    await this.partitions?.ensure(
      q,
      records.map((r) => r.time),
    );
    return out;
  }

  /** Write prepared rows (inside a transaction, for one commit). */
  async insert(tx: Queryable, rows: PreparedRows): Promise<void> {
    await insertGrouped(tx, this.dialect, "log_predictions", PREDICTION_COLUMNS, rows.predictions, CONFLICT);
    await insertGrouped(tx, this.dialect, "log_keys", ["deployment_id", "key_hash", "time"], rows.keys, CONFLICT);
    const times = ["deployment_id", "request_id", "time"];
    await insertGrouped(tx, this.dialect, "log_request_times", times, rows.requests, CONFLICT);
    for (const v of rows.versions) {
      await tx.run(
        `INSERT INTO log_versions (deployment_id, model_id, schema_code, first_time, last_time) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (deployment_id, model_id, schema_code) DO UPDATE SET
           first_time = CASE WHEN excluded.first_time < log_versions.first_time THEN excluded.first_time ELSE log_versions.first_time END,
           last_time = CASE WHEN excluded.last_time > log_versions.last_time THEN excluded.last_time ELSE log_versions.last_time END`,
        v,
      );
    }
  }

  /** Feedback as rows (creating deployment ids as needed). */
  async prepareFeedback(q: Queryable, records: readonly FeedbackRecord[]): Promise<SqlValue[][]> {
    const ids = await this.deploymentIds(q, records);
    return records.map((f) => [
      encodeId(f.id),
      ids.get(f.deployment) as number,
      f.time,
      f.requestId === undefined ? null : encodeId(f.requestId),
      f.row ?? null,
      f.routingKey ?? null,
      f.routingKey === undefined ? null : keyHash(f.routingKey),
      f.outcome,
    ]);
  }

  async insertFeedback(tx: Queryable, rows: SqlValue[][]): Promise<void> {
    await insertGrouped(tx, this.dialect, "log_feedback", FEEDBACK_COLUMNS, rows, "");
  }

  private async deploymentIds(q: Queryable, records: readonly { deployment: string }[]): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    for (const r of records) {
      if (!ids.has(r.deployment))
        ids.set(r.deployment, (await this.catalog.deploymentId(q, r.deployment, true)) as number);
    }
    return ids;
  }

  /** Each deployment's dictionary, with codes for the schemas, categories and labels of `records`. */
  private async codeStrings(
    q: Queryable,
    records: readonly PredictionRecord[],
    parsed: readonly ParsedInputs[],
    deploymentIds: Map<string, number>,
  ): Promise<Map<number, DeploymentDictionary>> {
    const dictionaries = new Map<number, DeploymentDictionary>();
    const wanted = new Map<number, Set<string>>();
    for (let i = 0; i < records.length; i++) {
      const r = records[i] as PredictionRecord;
      const id = deploymentIds.get(r.deployment) as number;
      let dict = dictionaries.get(id);
      if (!dict) {
        dict = await this.catalog.dictionary(q, id);
        dictionaries.set(id, dict);
        wanted.set(id, new Set());
      }
      const want = wanted.get(id) as Set<string>;
      const inputs = parsed[i] as ParsedInputs;
      if (inputs.schema !== undefined && dict.codeOf(inputs.schema) === undefined) want.add(inputs.schema);
      const label = r.label;
      if (codable(label) && label !== String(r.score) && dict.codeOf(label) === undefined) {
        if (!want.has(label) && dict.wants(LABEL_COLUMN, label)) want.add(label);
      }
      inputs.values.forEach((v, j) => {
        if (!codable(v) || dict.codeOf(v) !== undefined || want.has(v)) return;
        if (dict.wants(inputs.names[j] as string, v)) want.add(v);
      });
    }
    for (const [id, strings] of wanted) if (strings.size > 0) await this.catalog.addStrings(q, id, strings);
    return dictionaries;
  }
}

/** A record's log_predictions values (NaN scores and latencies stored as NULL). */
function rowValues(r: PredictionRecord, deploymentId: number, modelId: number, data: Buffer): SqlValue[] {
  if (!Number.isSafeInteger(r.row) || r.row < 0) throw new TypeError(`a prediction record's row must be an index`);
  if (!Number.isFinite(r.time)) throw new TypeError("a prediction record's time must be a number");
  return [
    deploymentId,
    Math.round(r.time),
    encodeId(r.requestId),
    r.row,
    variantCode(r.variant),
    r.shadow ? 1 : 0,
    modelId,
    r.routingKey ?? null,
    Number.isNaN(r.score) ? null : r.score,
    Number.isFinite(r.latencyMs) ? Math.round(r.latencyMs * 1000) : null,
    data,
  ];
}

/** Insert rows: PostgreSQL's multi-row batches, or groups of multi-row INSERTs on SQLite. */
export async function insertGrouped(
  tx: Queryable,
  dialect: SqlDialect,
  table: string,
  columns: readonly string[],
  rows: readonly SqlValue[][],
  conflict: string,
): Promise<void> {
  if (rows.length === 0) return;
  if (dialect.name === "postgres") return tx.insertMany(table, columns, rows, conflict);
  const group = insertSql(table, columns, GROUP_ROWS, conflict);
  const single = insertSql(table, columns, 1, conflict);
  let at = 0;
  for (; at + GROUP_ROWS <= rows.length; at += GROUP_ROWS) {
    const params: SqlValue[] = [];
    for (let i = at; i < at + GROUP_ROWS; i++) for (const v of rows[i] as SqlValue[]) params.push(v);
    await tx.run(group, params);
  }
  for (; at < rows.length; at++) await tx.run(single, rows[at] as SqlValue[]);
}

const insertTexts = new Map<string, string>();

/** A multi-row INSERT's text, built once (the statement cache hashes it on every run). */
function insertSql(table: string, columns: readonly string[], n: number, conflict: string): string {
  const key = `${table}\u0000${n}\u0000${conflict}`;
  let sql = insertTexts.get(key);
  if (sql === undefined) {
    const one = `(${columns.map(() => "?").join(", ")})`;
    sql = `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${Array(n).fill(one).join(", ")} ${conflict}`;
    insertTexts.set(key, sql);
  }
  return sql;
}
