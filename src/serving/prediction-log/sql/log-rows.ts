/** Stored log rows and their decoding back into records (ids to names, blobs to label and inputs). */
import type { Queryable } from "../../../core/db/database.js";
import { decodeId } from "../encoding/compact-id.js";
import { decodeRowJson, decodeRowValues } from "../encoding/row-data.js";
import type { LoggedValue } from "../encoding/value-tokens.js";
import type { FeedbackRecord, PredictionRecord } from "../prediction-log-store.js";
import type { LogCatalog } from "./log-catalog.js";
import type { DeploymentDictionary } from "./log-dictionary.js";
import { MissingCode } from "./log-dictionary.js";

type Num = number | string;

/** The log_predictions columns the readers select, in this order. */
export const ROW_COLUMNS =
  "deployment_id, time, request_id, row_index, variant, shadow, model_id, routing_key, score, latency_us, data";

export interface StoredRow {
  deployment_id: Num;
  time: Num;
  request_id: Uint8Array;
  row_index: Num;
  variant: Num;
  shadow: Num;
  model_id: Num;
  routing_key: string | null;
  score: Num | null;
  latency_us: Num | null;
  data: Uint8Array;
}

export interface StoredFeedback {
  id: Uint8Array;
  time: Num;
  request_id: Uint8Array | null;
  row_index: Num | null;
  routing_key: string | null;
  outcome: string;
}

/** A stored row with its names resolved and its inputs as values (for exports). */
export interface DecodedRow {
  time: number;
  requestId: string;
  row: number;
  variant: PredictionRecord["variant"];
  shadow: boolean;
  modelName: string;
  modelVersion: string;
  routingKey?: string;
  score: number;
  label: string;
  latencyMs: number;
  /** Schema code (input names in the dictionary), undefined for inputs kept as raw text. */
  schema: number | undefined;
  values: LoggedValue[];
}

function scoreOf(r: StoredRow): number {
  return r.score === null ? Number.NaN : Number(r.score);
}

function latencyOf(r: StoredRow): number {
  return r.latency_us === null ? Number.NaN : Number(r.latency_us) / 1000;
}

/** Decode with the dictionary, reading it again once when a row uses a code it does not know yet. */
export async function withDictionary<T>(
  catalog: LogCatalog,
  q: Queryable,
  deploymentId: number,
  decode: (dict: DeploymentDictionary) => T,
): Promise<T> {
  const dict = await catalog.dictionary(q, deploymentId);
  try {
    return decode(dict);
  } catch (e) {
    if (!(e instanceof MissingCode)) throw e;
    return decode(await catalog.dictionary(q, deploymentId, true));
  }
}

/** Rows of one deployment as records (oldest first, as given). */
export async function toRecords(
  catalog: LogCatalog,
  q: Queryable,
  deployment: string,
  rows: readonly StoredRow[],
): Promise<PredictionRecord[]> {
  return mapRows(catalog, q, rows, (r, model, score, dict) => {
    const { label, inputs } = decodeRowJson(r.data, score, dict);
    const record: PredictionRecord = {
      deployment,
      requestId: decodeId(r.request_id),
      row: Number(r.row_index),
      variant: Number(r.variant) === 1 ? "primary" : "candidate",
      shadow: Number(r.shadow) === 1,
      modelName: model.name,
      modelVersion: model.version,
      inputs,
      score,
      label,
      time: Number(r.time),
      latencyMs: latencyOf(r),
    };
    if (r.routing_key !== null) record.routingKey = r.routing_key;
    return record;
  });
}

/** Rows of one deployment with their inputs as values. */
export async function toDecodedRows(
  catalog: LogCatalog,
  q: Queryable,
  rows: readonly StoredRow[],
): Promise<DecodedRow[]> {
  return mapRows(catalog, q, rows, (r, model, score, dict) => {
    const { label, schema, values } = decodeRowValues(r.data, score, dict);
    const out: DecodedRow = {
      time: Number(r.time),
      requestId: decodeId(r.request_id),
      row: Number(r.row_index),
      variant: Number(r.variant) === 1 ? "primary" : "candidate",
      shadow: Number(r.shadow) === 1,
      modelName: model.name,
      modelVersion: model.version,
      score,
      label,
      latencyMs: latencyOf(r),
      schema,
      values,
    };
    if (r.routing_key !== null) out.routingKey = r.routing_key;
    return out;
  });
}

type ModelName = { name: string; version: string };

/** Each row of one deployment mapped with its model's name, its score and the deployment's dictionary. */
async function mapRows<T>(
  catalog: LogCatalog,
  q: Queryable,
  rows: readonly StoredRow[],
  map: (r: StoredRow, model: ModelName, score: number, dict: DeploymentDictionary) => T,
): Promise<T[]> {
  if (rows.length === 0) return [];
  const models = await modelsOf(catalog, q, rows);
  return withDictionary(catalog, q, Number(rows[0]?.deployment_id), (dict) =>
    rows.map((r) => map(r, models.get(Number(r.model_id)) as ModelName, scoreOf(r), dict)),
  );
}

async function modelsOf(catalog: LogCatalog, q: Queryable, rows: readonly StoredRow[]) {
  const models = new Map<number, ModelName>();
  for (const r of rows) {
    const id = Number(r.model_id);
    if (!models.has(id)) models.set(id, await catalog.model(q, id));
  }
  return models;
}

/** A stored feedback row as a record. */
export function toFeedback(deployment: string, r: StoredFeedback): FeedbackRecord {
  return {
    id: decodeId(r.id),
    deployment,
    ...(r.request_id !== null ? { requestId: decodeId(r.request_id) } : {}),
    ...(r.row_index !== null ? { row: Number(r.row_index) } : {}),
    ...(r.routing_key !== null ? { routingKey: r.routing_key } : {}),
    outcome: r.outcome,
    time: Number(r.time),
  };
}
