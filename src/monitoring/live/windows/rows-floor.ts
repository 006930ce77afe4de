/**
 * Where the last N rows of a deployment begin, from the window aggregates' row counts (newest
 * buckets first) instead of counting the log: a "last N rows" window then reads the log from that
 * bucket on, N rows and at most one bucket's more.
 */
import type { SpanMs, WindowStore } from "./window-store.js";
import { HOUR_MS, MINUTE_MS } from "./window-store.js";

const PAGE = 500;

/**
 * The start of the newest bucket such that the buckets from it to `end` hold at least `n` rows;
 * 0 when all buckets together hold fewer (the window reaches back as far as the log goes).
 */
export async function lastRowsFloor(store: WindowStore, deployment: string, n: number, end: number): Promise<number> {
  let need = n;
  let before = end;
  for (const spanMs of [MINUTE_MS, HOUR_MS] as SpanMs[]) {
    // Hour buckets take over below the oldest minute bucket's hour (its earlier minutes are not
    // counted twice: a bound that reaches back further than needed is still a bound).
    if (spanMs === HOUR_MS) before = Math.floor(before / HOUR_MS) * HOUR_MS;
    for (;;) {
      const page = await store.rowCounts(deployment, spanMs, before, PAGE);
      for (const c of page) {
        need -= c.rows;
        if (need <= 0) return c.start;
      }
      if (page.length < PAGE) break;
      before = (page[page.length - 1] as { start: number }).start;
    }
    const oldest = await store.oldestStart(deployment, spanMs);
    if (oldest !== undefined) before = Math.min(before, oldest);
  }
  return 0;
}
