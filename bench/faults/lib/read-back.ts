/**
 * After the traffic: what the platform kept. Acknowledged log-batch writes and uploads read back
 * through the API; answered predictions looked up by request id in the log_predictions table once
 * the spool has drained; the prediction-log counters of /metrics.
 */
import BetterSqlite3 from "better-sqlite3";
import { pgQuery } from "./postgres.js";
import type { Scenario } from "./scenario.js";
import type { Sample } from "./traffic.js";
import { uploadBytes, uploadPath } from "./traffic.js";

export interface WriteReadBack {
  acknowledged: number;
  /** Acknowledged (200) but not found on read-back: lost. */
  missing: number;
  /** Not acknowledged (5xx, time-out, socket error) but stored anyway. */
  storedUnacknowledged: number;
}

export interface PredictionReadBack {
  answered: number;
  /** Answered ids found in log_predictions. */
  logged: number;
  /** Answered (200) but absent from the log after the wait. */
  missing: number;
  /** Rows beyond one per logged request id (a replay that wrote twice). */
  duplicateRows: number;
  /** Ids in the log the client never saw answered (it gave up first). */
  loggedUnanswered: number;
  /** How long the read-back waited for the spool to drain, ms. */
  waitedMs: number;
}

/** `modelworks_prediction_log_*` counters (NaN when /metrics did not answer). */
export type LogCounters = Record<"written" | "spooled" | "replayed" | "dropped" | "spoolRows" | "queueRows", number>;

const authHeaders = (s: Scenario) => ({ authorization: s.authorization });

/** The run's `m` history versus the log-batch answers. */
export async function readBackLogBatch(s: Scenario, samples: readonly Sample[]): Promise<WriteReadBack> {
  const stored = new Set<number>();
  let token: string | undefined;
  do {
    const q = new URLSearchParams({ run_id: s.runId, metric_key: "m", max_results: "25000" });
    if (token) q.set("page_token", token);
    const res = await fetch(`${s.up.url}/api/2.0/mlflow/metrics/get-history?${q}`, { headers: authHeaders(s) });
    if (!res.ok) throw new Error(`get-history answered ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as { metrics?: { step: number }[]; next_page_token?: string };
    for (const m of page.metrics ?? []) stored.add(Number(m.step));
    token = page.next_page_token;
  } while (token);
  return compare(
    samples.filter((x) => x.type === "log-batch"),
    (x) => stored.has(x.seq),
  );
}

/** Every upload the traffic tried, fetched back and compared byte for byte. */
export async function readBackUploads(s: Scenario, samples: readonly Sample[]): Promise<WriteReadBack> {
  const uploads = samples.filter((x) => x.type === "upload");
  const present = new Set<number>();
  for (const u of uploads) {
    const res = await fetch(s.up.url + uploadPath(s, u.seq), { headers: authHeaders(s) });
    const body = new Uint8Array(await res.arrayBuffer());
    if (res.ok && Buffer.from(body).equals(Buffer.from(uploadBytes(u.seq)))) present.add(u.seq);
  }
  return compare(uploads, (x) => present.has(x.seq));
}

function compare(samples: readonly Sample[], isStored: (x: Sample) => boolean): WriteReadBack {
  const acked = samples.filter((x) => x.outcome === 200);
  return {
    acknowledged: acked.length,
    missing: acked.filter((x) => !isStored(x)).length,
    storedUnacknowledged: samples.filter((x) => x.outcome !== 200 && isStored(x)).length,
  };
}

/** Distinct request ids and row count in log_predictions under `prefix`. */
async function loggedIds(s: Scenario, prefix: string): Promise<{ ids: Set<string>; rows: number }> {
  // Ids the client chose are stored as a zero byte and their text (see compact-id.ts).
  let ids: string[];
  if (s.store.kind === "postgres") {
    const text = "convert_from(substring(request_id from 2), 'UTF8')";
    const sql = `SELECT ${text} AS request_id FROM log_predictions WHERE get_byte(request_id, 0) = 0 AND ${text} LIKE $1`;
    ids = (await pgQuery<{ request_id: string }>(s.store.uri, sql, [`${prefix}%`])).map((r) => r.request_id);
  } else {
    const db = new BetterSqlite3(s.store.path, { readonly: true, fileMustExist: true });
    try {
      db.pragma("busy_timeout = 5000");
      const text = "CAST(substr(request_id, 2) AS TEXT)";
      const sql = `SELECT ${text} AS request_id FROM log_predictions WHERE substr(request_id, 1, 1) = x'00' AND ${text} LIKE ?`;
      ids = (db.prepare(sql).all(`${prefix}%`) as { request_id: string }[]).map((r) => r.request_id);
    } finally {
      db.close();
    }
  }
  return { ids: new Set(ids), rows: ids.length };
}

/** Wait (at most `maxWaitMs`) until every answered prediction is in the log, or the log stops growing for 10 s. */
export async function readBackPredictions(
  s: Scenario,
  samples: readonly Sample[],
  prefix: string,
  maxWaitMs = 60_000,
): Promise<PredictionReadBack> {
  const answered = samples.filter((x) => x.type === "predict" && x.outcome === 200).map((x) => x.requestId);
  const t0 = performance.now();
  let last = -1;
  let grewAt = t0;
  for (;;) {
    const { ids, rows } = await loggedIds(s, prefix).catch(() => ({ ids: new Set<string>(), rows: 0 }));
    const logged = answered.filter((id) => ids.has(id)).length;
    const now = performance.now();
    if (rows !== last) grewAt = now;
    last = rows;
    if (logged === answered.length || now - grewAt > 10_000 || now - t0 > maxWaitMs) {
      return {
        answered: answered.length,
        logged,
        missing: answered.length - logged,
        duplicateRows: rows - ids.size,
        loggedUnanswered: ids.size - logged,
        waitedMs: Math.round(now - t0),
      };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** The prediction log's counters from GET /metrics. */
export async function logCounters(s: Scenario): Promise<LogCounters> {
  const text = await fetch(`${s.up.url}/metrics`, { headers: authHeaders(s), signal: AbortSignal.timeout(5000) })
    .then((r) => r.text())
    .catch(() => "");
  const value = (name: string) => {
    const m = new RegExp(`^modelworks_prediction_log_${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, "m").exec(text);
    return m ? Number(m[1]) : Number.NaN;
  };
  return {
    written: value("written_rows_total"),
    spooled: value("spooled_rows_total"),
    replayed: value("replayed_rows_total"),
    dropped: value("dropped_rows_total"),
    spoolRows: value("spool_rows"),
    queueRows: value("queue_rows"),
  };
}
