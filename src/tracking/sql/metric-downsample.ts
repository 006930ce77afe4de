/**
 * Downsampled metric history for charts: the step range split into at most N equal buckets, each
 * reduced to its last point plus the bucket's min and max, so a spike survives the reduction.
 *
 * History is stored as chunks of ~1,000 points (metric-chunk.ts), so a 1,000,000-point series is
 * ~1,000 rows read in (series_id, first_step) order through the primary key; the per-point work is
 * a tight loop over the decoded Float64Arrays, never one JS object per stored point.
 */
import type { Queryable } from "../../core/db/database.js";
import type { DownsampledHistory, HistoryPoint } from "../tracking-store.js";
import { decodeChunk } from "./metric-chunk.js";

/** Chunk rows fetched per query: large enough that round trips don't dominate, small enough to bound memory. */
const FETCH = 64;

/**
 * The series' points reduced to at most `maxPoints` (all of them, when there are no more).
 * Non-finite values (NaN, ±Infinity) are counted in `totalPoints` but not plotted.
 */
export async function downsampleSeries(
  db: Queryable,
  seriesId: number,
  maxPoints: number,
): Promise<DownsampledHistory> {
  const stats = await db.get<{ total: number | string | null; lo: number | string | null; hi: number | string | null }>(
    "SELECT SUM(points) AS total, MIN(first_step) AS lo, MAX(last_step) AS hi FROM metric_chunks WHERE series_id = ?",
    [seriesId],
  );
  const total = Number(stats?.total ?? 0);
  if (total === 0) return { totalPoints: 0, downsampled: false, points: [] };
  const lo = Number(stats?.lo);
  const hi = Number(stats?.hi);
  const reduce = total > maxPoints;
  // width = ceil(range / maxPoints) keeps the bucket count at or under maxPoints.
  const width = Math.max(1, Math.ceil((hi - lo + 1) / maxPoints));
  const points: HistoryPoint[] = [];
  // The open bucket lives in locals (not an object) and its end is tracked as a step, so the
  // per-point work is a few comparisons: this loop runs a million times for a long history.
  let open = false;
  let end = Number.NEGATIVE_INFINITY;
  let bStep = 0;
  let bTs = 0;
  let bValue = 0;
  let bMin = 0;
  let bMax = 0;
  for await (const blob of chunkBlobs(db, seriesId)) {
    const { step, ts, value } = decodeChunk(blob);
    const n = step.length;
    for (let i = 0; i < n; i++) {
      const v = value[i] as number;
      // NaN and ±Infinity cannot be drawn (v - v is NaN for all three).
      if (v - v !== 0) continue;
      const s = step[i] as number;
      if (!reduce) {
        points.push({ step: s, timestamp: ts[i] as number, value: v, min: v, max: v });
        continue;
      }
      if (s >= end) {
        if (open) points.push({ step: bStep, timestamp: bTs, value: bValue, min: bMin, max: bMax });
        open = true;
        end = lo + (Math.floor((s - lo) / width) + 1) * width;
        bMin = v;
        bMax = v;
      } else if (v < bMin) bMin = v;
      else if (v > bMax) bMax = v;
      bStep = s;
      bTs = ts[i] as number;
      bValue = v;
    }
  }
  if (open) points.push({ step: bStep, timestamp: bTs, value: bValue, min: bMin, max: bMax });
  return { totalPoints: total, downsampled: reduce, points };
}

/** Every chunk blob of a series in step order, a page of rows at a time (keyset on the primary key). */
async function* chunkBlobs(db: Queryable, seriesId: number): AsyncGenerator<Uint8Array> {
  let cursor: [number, number] | undefined;
  for (;;) {
    const rows = await db.all<{ first_step: number | string; first_ts: number | string; data: Uint8Array }>(
      cursor
        ? `SELECT first_step, first_ts, data FROM metric_chunks WHERE series_id = ? AND (first_step, first_ts) > (?, ?)
           ORDER BY first_step, first_ts LIMIT ${FETCH}`
        : `SELECT first_step, first_ts, data FROM metric_chunks WHERE series_id = ? ORDER BY first_step, first_ts LIMIT ${FETCH}`,
      cursor ? [seriesId, ...cursor] : [seriesId],
    );
    for (const r of rows) yield r.data;
    if (rows.length < FETCH) return;
    const last = rows[rows.length - 1] as { first_step: number | string; first_ts: number | string };
    cursor = [Number(last.first_step), Number(last.first_ts)];
  }
}
