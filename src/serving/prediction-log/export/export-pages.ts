/**
 * Reading a deployment's log in key order, a page at a time (keyset paging: each page starts
 * after the previous page's last key, so every row comes exactly once however many share a
 * millisecond), and the outcome the feedback gives each row of a page.
 */
import type { Queryable, SqlValue } from "../../../core/db/database.js";
import { encodeId, keyHash } from "../encoding/compact-id.js";
import type { LogCatalog } from "../sql/log-catalog.js";
import type { DecodedRow, StoredRow } from "../sql/log-rows.js";
import { ROW_COLUMNS, toDecodedRows } from "../sql/log-rows.js";
import { variantCode } from "../sql/log-writer.js";
import type { ExportVariant } from "./export-plan.js";

export interface PageQuery {
  deploymentId: number;
  from: number;
  to: number;
  /** The last row of the previous page. */
  after?: DecodedRow;
  limit: number;
  variant?: ExportVariant;
}

const VARIANT_FILTER: Record<ExportVariant, string> = {
  primary: " AND variant = 1",
  candidate: " AND variant = 0 AND shadow = 0",
  shadow: " AND shadow = 1",
};

/** One page of rows in key order (time, request, row, variant). */
export async function readPage(q: Queryable, catalog: LogCatalog, p: PageQuery): Promise<DecodedRow[]> {
  const params: SqlValue[] = [p.deploymentId];
  let start = "time >= ?";
  if (p.after) {
    start = "(time, request_id, row_index, variant) > (?, ?, ?, ?)";
    params.push(p.after.time, encodeId(p.after.requestId), p.after.row, variantCode(p.after.variant));
  } else params.push(p.from);
  params.push(p.to, p.limit);
  const rows = await q.all<StoredRow>(
    `SELECT ${ROW_COLUMNS} FROM log_predictions WHERE deployment_id = ? AND ${start} AND time < ?${p.variant ? VARIANT_FILTER[p.variant] : ""}
     ORDER BY time, request_id, row_index, variant LIMIT ?`,
    params,
  );
  return toDecodedRows(catalog, q, rows);
}

/** Ids per IN list (well under both engines' parameter limits). */
const IN_CHUNK = 500;

type Num = number | string;

interface Hit {
  time: number;
  id: Uint8Array;
  outcome: string;
}

/**
 * The outcome of each row (null when no feedback refers to it), by the rule of
 * `listLabeledScores`: feedback by request id and row, or by routing key for the latest
 * prediction with that key at or before the feedback; the latest feedback wins.
 */
export async function pageOutcomes(
  q: Queryable,
  deploymentId: number,
  rows: readonly DecodedRow[],
): Promise<(string | null)[]> {
  const best = new Map<string, Hit>();
  const offer = (key: string, hit: Hit) => {
    const old = best.get(key);
    if (!old || later(hit, old)) best.set(key, hit);
  };
  const requests = [...new Set(rows.map((r) => r.requestId))];
  for (let at = 0; at < requests.length; at += IN_CHUNK) {
    const ids = requests.slice(at, at + IN_CHUNK);
    const found = await q.all<{
      request_id: Uint8Array;
      row_index: Num | null;
      outcome: string;
      time: Num;
      id: Uint8Array;
    }>(
      `SELECT request_id, row_index, outcome, time, id FROM log_feedback
       WHERE deployment_id = ? AND request_id IN (${ids.map(() => "?").join(", ")})`,
      [deploymentId, ...ids.map(encodeId)],
    );
    for (const f of found) {
      const key = `${Buffer.from(f.request_id).toString("hex")}:${Number(f.row_index ?? 0)}`;
      offer(key, { time: Number(f.time), id: f.id, outcome: f.outcome });
    }
  }
  await keyOutcomes(q, deploymentId, rows, offer);
  return rows.map((r) => {
    const byRequest = best.get(`${encodeId(r.requestId).toString("hex")}:${r.row}`);
    const byKey = r.routingKey === undefined ? undefined : best.get(`k:${r.routingKey}:${r.time}`);
    const hit = !byKey || (byRequest && later(byRequest, byKey)) ? byRequest : byKey;
    return hit?.outcome ?? null;
  });
}

/** True when feedback `a` came after `b` (by time, then id, as the labeled-scores query orders them). */
function later(a: Hit, b: Hit): boolean {
  return a.time > b.time || (a.time === b.time && Buffer.compare(a.id, b.id) > 0);
}

/** Offer each key feedback that refers to a row of the page (as `k:KEY:TIME`). */
async function keyOutcomes(
  q: Queryable,
  deploymentId: number,
  rows: readonly DecodedRow[],
  offer: (key: string, hit: Hit) => void,
): Promise<void> {
  const keyed = rows.filter((r) => r.routingKey !== undefined);
  if (keyed.length === 0) return;
  const first = keyed[0]?.time as number;
  const last = keyed[keyed.length - 1]?.time as number;
  const times = new Set(keyed.map((r) => `${r.routingKey}:${r.time}`));
  const hashes = [...new Set(keyed.map((r) => keyHash(r.routingKey as string)))];
  for (let at = 0; at < hashes.length; at += IN_CHUNK) {
    const chunk = hashes.slice(at, at + IN_CHUNK);
    const feedback = await q.all<{ routing_key: string; key_hash: Num; time: Num; id: Uint8Array; outcome: string }>(
      `SELECT routing_key, key_hash, time, id, outcome FROM log_feedback
       WHERE deployment_id = ? AND key_hash IN (${chunk.map(() => "?").join(", ")}) AND request_id IS NULL AND time >= ?`,
      [deploymentId, ...chunk, first],
    );
    for (const f of feedback) {
      const target = await q.get<{ t: Num | null }>(
        "SELECT MAX(time) AS t FROM log_keys WHERE deployment_id = ? AND key_hash = ? AND time <= ?",
        [deploymentId, f.key_hash, f.time],
      );
      const t = target?.t === null || target?.t === undefined ? undefined : Number(target.t);
      if (t === undefined || t < first || t > last || !times.has(`${f.routing_key}:${t}`)) continue;
      offer(`k:${f.routing_key}:${t}`, { time: Number(f.time), id: f.id, outcome: f.outcome });
    }
  }
}
