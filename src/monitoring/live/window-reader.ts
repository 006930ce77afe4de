/**
 * A window read row by row from the prediction log: the primary's answered (non-shadow)
 * predictions of the last `ms` milliseconds, or the last `rows` of them. Monitors read "last N
 * rows" windows this way (bounded below by the window aggregates' counts, so nothing counts the
 * log); time windows come from the aggregates, and this full scan is what they must equal.
 */
import { seededRandom } from "../../core/random.js";
import type { PredictionLogStore, PredictionRecord } from "../../serving/prediction-log/prediction-log-store.js";
import type { MonitorWindow } from "./monitor.js";

/** The window's predictions (oldest first) and bounds. */
export interface WindowRows {
  start: number;
  /** Exclusive. */
  end: number;
  rows: PredictionRecord[];
  /** Set when the window held more rows than were kept (a uniform sample was kept). */
  sampledFrom?: number;
}

export interface WindowOptions {
  /** Most rows a time window keeps (a seeded uniform sample beyond it). */
  maxRows: number;
  pageSize?: number;
  /** A "last N rows" window needs no row older than this (default: it looks back to the epoch). */
  floor?: number;
}

const FIRST_SPAN_MS = 1000;

/** Read the window ending at `now` (inclusive). */
export async function readWindow(
  log: PredictionLogStore,
  deployment: string,
  window: MonitorWindow,
  now: number,
  o: WindowOptions,
): Promise<WindowRows> {
  const end = now + 1;
  if (window.kind === "time") return readTimeWindow(log, deployment, now - window.ms, end, o);
  return readLastRows(log, deployment, window.rows, end, o.pageSize, o.floor ?? 0);
}

async function readTimeWindow(
  log: PredictionLogStore,
  deployment: string,
  start: number,
  end: number,
  o: WindowOptions,
): Promise<WindowRows> {
  const kept: PredictionRecord[] = [];
  const random = seededRandom(start);
  let seen = 0;
  // Reservoir sampling keeps a uniform sample of a window larger than maxRows.
  await scan(log, deployment, start, end, o.pageSize, (r) => {
    seen++;
    if (kept.length < o.maxRows) kept.push(r);
    else {
      const j = Math.floor(random() * seen);
      if (j < o.maxRows) kept[j] = r;
    }
  });
  if (seen > kept.length) kept.sort((a, b) => a.time - b.time);
  return { start, end, rows: kept, ...(seen > kept.length ? { sampledFrom: seen } : {}) };
}

/**
 * The last `n` rows before `end`: spans doubling backwards in time from one second until enough
 * are found, never before `floor`.
 */
async function readLastRows(
  log: PredictionLogStore,
  deployment: string,
  n: number,
  end: number,
  pageSize: number | undefined,
  floor: number,
): Promise<WindowRows> {
  const chunks: PredictionRecord[][] = [];
  let have = 0;
  let to = end;
  let span = FIRST_SPAN_MS;
  while (have < n && to > floor) {
    const from = Math.max(floor, to - span);
    const need = n - have;
    const tail: PredictionRecord[] = [];
    await scan(log, deployment, from, to, pageSize, (r) => {
      tail.push(r);
      if (tail.length > need * 2) tail.splice(0, tail.length - need);
    });
    const last = tail.slice(Math.max(0, tail.length - need));
    chunks.unshift(last);
    have += last.length;
    to = from;
    span *= 2;
  }
  const rows = chunks.flat();
  return { start: rows[0]?.time ?? end - 1, end, rows };
}

/** Call `each` for the primary's non-shadow rows in [start, end), oldest first. */
async function scan(
  log: PredictionLogStore,
  deployment: string,
  start: number,
  end: number,
  pageSize = 20_000,
  each: (r: PredictionRecord) => void,
): Promise<void> {
  let since = start;
  // Rows at the page's last millisecond come again on the next page; skip those already seen.
  let seenAtSince = new Set<string>();
  for (;;) {
    const page = await log.listPredictions({ deployment, since, until: end, variant: "primary", limit: pageSize });
    const last = page[page.length - 1];
    const atLast = new Set<string>();
    for (const r of page) {
      const key = `${r.requestId}\u0000${r.row}`;
      if (r.time === since && seenAtSince.has(key)) continue;
      if (last && r.time === last.time) atLast.add(key);
      if (!r.shadow) each(r);
    }
    if (!last || page.length < pageSize) return;
    // A page entirely at one millisecond cannot be paged by time; move past it.
    if (last.time === since && page.every((r) => r.time === since)) {
      since = last.time + 1;
      seenAtSince = new Set();
    } else {
      seenAtSince = last.time === since ? new Set([...seenAtSince, ...atLast]) : atLast;
      since = last.time;
    }
  }
}
