/** Reading and writing metric chunks (see metric-chunk.ts) over SQL. */
import type { Queryable } from "../../core/db/database.js";
import type { Points } from "./metric-chunk.js";
import { decodeChunk, encodeChunk, mergePoints, splitChunks } from "./metric-chunk.js";

interface Bounds {
  first_step: number;
  first_ts: number;
  last_step: number;
  last_ts: number;
}

const FETCH = 16;

function before(s1: number, t1: number, s2: number, t2: number): boolean {
  return s1 < s2 || (s1 === s2 && t1 < t2);
}

/**
 * Add sorted, de-duplicated points to a series; `tail` is the series' latest (step, timestamp)
 * before this write, when it has points. Points after the series' last chunk (the usual
 * case: steps go forward) become new chunks; points that overlap existing chunks are merged
 * into them, so chunks stay disjoint and ordered.
 */
export async function appendPoints(
  tx: Queryable,
  seriesId: number,
  p: Points,
  tail?: { step: number; ts: number },
): Promise<void> {
  const n = p.step.length;
  if (n === 0) return;
  // Every stored point is at or before the series' latest (step, timestamp): points after it
  // cannot overlap any chunk, so the usual append needs no lookup.
  const after = !tail || before(tail.step, tail.ts, p.step[0] as number, p.ts[0] as number);
  const overlapping = after
    ? []
    : await findOverlapping(
        tx,
        seriesId,
        p.step[0] as number,
        p.ts[0] as number,
        p.step[n - 1] as number,
        p.ts[n - 1] as number,
      );
  let points = p;
  if (overlapping.length > 0) {
    const parts: Points[] = [p];
    for (const c of overlapping) {
      const row = await tx.get<{ data: Uint8Array }>(
        "SELECT data FROM metric_chunks WHERE series_id = ? AND first_step = ? AND first_ts = ?",
        [seriesId, c.first_step, c.first_ts],
      );
      if (row) parts.push(decodeChunk(row.data));
      await tx.run("DELETE FROM metric_chunks WHERE series_id = ? AND first_step = ? AND first_ts = ?", [
        seriesId,
        c.first_step,
        c.first_ts,
      ]);
    }
    points = mergePoints(parts);
  }
  const rows = splitChunks(points).map((c) => {
    const k = c.step.length - 1;
    return [
      seriesId,
      c.step[0] as number,
      c.ts[0] as number,
      c.step[k] as number,
      c.ts[k] as number,
      k + 1,
      encodeChunk(c),
    ];
  });
  await tx.insertMany(
    "metric_chunks",
    ["series_id", "first_step", "first_ts", "last_step", "last_ts", "points", "data"],
    rows,
  );
}

/** Chunks whose (step, timestamp) range meets [a, b], walking back from the last one starting at or before b. */
async function findOverlapping(
  tx: Queryable,
  seriesId: number,
  aStep: number,
  aTs: number,
  bStep: number,
  bTs: number,
): Promise<Bounds[]> {
  const out: Bounds[] = [];
  let upper: [number, number] = [bStep, bTs];
  let inclusive = true;
  for (;;) {
    const rows = await tx.all<Bounds>(
      `SELECT first_step, first_ts, last_step, last_ts FROM metric_chunks
       WHERE series_id = ? AND (first_step, first_ts) ${inclusive ? "<=" : "<"} (?, ?)
       ORDER BY first_step DESC, first_ts DESC LIMIT ${FETCH}`,
      [seriesId, ...upper],
    );
    for (const r of rows) {
      if (before(Number(r.last_step), Number(r.last_ts), aStep, aTs)) return out;
      out.push(r);
    }
    if (rows.length < FETCH) return out;
    const last = rows[rows.length - 1] as Bounds;
    upper = [Number(last.first_step), Number(last.first_ts)];
    inclusive = false;
  }
}

/**
 * The chunks of a series in order, starting with the one that holds (step, ts) when given.
 * Fetches a few chunks at a time, so a reader that stops early reads little.
 */
export async function* scanChunks(
  db: Queryable,
  seriesId: number,
  from?: { step: number; ts: number },
): AsyncGenerator<Points> {
  let cursor: [number, number] | undefined;
  if (from) {
    const first = await db.get<{ first_step: number; first_ts: number; data: Uint8Array }>(
      `SELECT first_step, first_ts, data FROM metric_chunks WHERE series_id = ? AND (first_step, first_ts) <= (?, ?)
       ORDER BY first_step DESC, first_ts DESC LIMIT 1`,
      [seriesId, from.step, from.ts],
    );
    if (first) {
      yield decodeChunk(first.data);
      cursor = [Number(first.first_step), Number(first.first_ts)];
    } else cursor = [from.step, from.ts];
  }
  for (;;) {
    const rows = cursor
      ? await db.all<{ first_step: number; first_ts: number; data: Uint8Array }>(
          `SELECT first_step, first_ts, data FROM metric_chunks WHERE series_id = ? AND (first_step, first_ts) > (?, ?)
           ORDER BY first_step, first_ts LIMIT ${FETCH}`,
          [seriesId, ...cursor],
        )
      : await db.all<{ first_step: number; first_ts: number; data: Uint8Array }>(
          `SELECT first_step, first_ts, data FROM metric_chunks WHERE series_id = ? ORDER BY first_step, first_ts LIMIT ${FETCH}`,
          [seriesId],
        );
    for (const r of rows) yield decodeChunk(r.data);
    if (rows.length < FETCH) return;
    const last = rows[rows.length - 1] as { first_step: number; first_ts: number };
    cursor = [Number(last.first_step), Number(last.first_ts)];
  }
}
