/** Figures of one fault from its samples: answers per type, latency, readiness, 5xx tracing. */
import { latencyStats } from "../../serving/lib/latency-stats.js";
import type { RequestType, Sample } from "./traffic.js";
import { REQUEST_TYPES } from "./traffic.js";
import type { LogLine } from "./up-process.js";

export interface TypeFigures {
  sent: number;
  /** Answers by status, plus `timeout` and socket error codes. */
  outcomes: Record<string, number>;
  timeouts: number;
  /** From the due time; a time-out counts as the client's time-out. */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface Window {
  /** performance.now() of the fault's start and of its end (database back, lock released). */
  start: number;
  end: number;
}

const latency = (x: Sample) => x.done - x.due;
const ok = (x: Sample) => x.outcome === 200;

/** Per request type, over the requests due from the fault's start to the end of the traffic. */
export function figuresByType(samples: readonly Sample[], w: Window): Record<RequestType, TypeFigures> {
  const out = {} as Record<RequestType, TypeFigures>;
  for (const type of REQUEST_TYPES) {
    const xs = samples.filter((x) => x.type === type && x.due >= w.start);
    const outcomes: Record<string, number> = {};
    for (const x of xs) outcomes[String(x.outcome)] = (outcomes[String(x.outcome)] ?? 0) + 1;
    const stats = latencyStats(xs.map(latency));
    out[type] = {
      sent: xs.length,
      outcomes,
      timeouts: outcomes.timeout ?? 0,
      p50Ms: stats.p50,
      p99Ms: stats.p99,
      maxMs: stats.max,
    };
  }
  return out;
}

/** Every request type together (readiness probes included), from the fault's start on. */
export function allTypes(samples: readonly Sample[], w: Window): TypeFigures {
  const xs = samples.filter((x) => x.due >= w.start);
  const outcomes: Record<string, number> = {};
  for (const x of xs) outcomes[String(x.outcome)] = (outcomes[String(x.outcome)] ?? 0) + 1;
  const stats = latencyStats(xs.map(latency));
  return {
    sent: xs.length,
    outcomes,
    timeouts: outcomes.timeout ?? 0,
    p50Ms: stats.p50,
    p99Ms: stats.p99,
    maxMs: stats.max,
  };
}

/** An answer that is not what a healthy server gives: not 200, or slower than `slowMs`. */
const disturbed = (x: Sample, slowMs: number) => !ok(x) || latency(x) > slowMs;

/**
 * Recovery: ms from the fault's end until the last disturbed answer (an error, a time-out, a
 * not-ready probe or one slower than `slowMs`) came back; 0 when none came back after the end,
 * null when the traffic still saw them in its last second (not recovered when it stopped).
 */
export function recoveryMs(samples: readonly Sample[], w: Window, slowMs = 1000): number | null {
  const bad = samples.filter((x) => x.due >= w.start && disturbed(x, slowMs));
  const lastDue = Math.max(...samples.map((x) => x.due));
  if (bad.some((x) => x.due > lastDue - 1000)) return null;
  const lastDone = Math.max(w.end, ...bad.map((x) => x.done));
  return Math.round(lastDone - w.end);
}

export interface PredictLatency {
  /** Before the fault (the baseline on this machine) and while it was on. */
  before: { p99Ms: number; maxMs: number; n: number };
  during: { p99Ms: number; maxMs: number; n: number };
}

/** p99 and max of one-row predictions due before the fault and while it was on. */
export function predictLatency(samples: readonly Sample[], w: Window): PredictLatency {
  const of = (from: number, to: number) => {
    const stats = latencyStats(samples.filter((x) => x.type === "predict" && x.due >= from && x.due < to).map(latency));
    return { p99Ms: stats.p99, maxMs: stats.max, n: stats.count };
  };
  return { before: of(0, w.start), during: of(w.start, w.end) };
}

export interface Readiness {
  /** ms from the fault's start to the first /health/ready answer that was not 200; null: it stayed 200. */
  notReadyAfterMs: number | null;
  /** ms from the fault's end to the first 200 after which every probe answered 200; null: never. */
  readyAgainAfterMs: number | null;
  /** /health/ready answers while the fault was on. */
  duringFault: Record<string, number>;
  /** /health answers from the fault's start on that were not 200. */
  healthNot200: number;
  /** Why /health/ready said 503 (its `database.detail`), with counts. */
  reasons: Record<string, number>;
}

/** When readiness noticed the fault, and when it noticed the recovery. */
export function readiness(samples: readonly Sample[], w: Window): Readiness {
  const probes = samples.filter((x) => x.type === "ready").sort((a, b) => a.due - b.due);
  const firstBad = probes.find((x) => x.due >= w.start && !ok(x));
  const after = probes.filter((x) => x.due >= w.end);
  const lastBad = [...after].reverse().find((x) => !ok(x));
  const settled = after.find((x) => ok(x) && (!lastBad || x.due > lastBad.due));
  const duringFault: Record<string, number> = {};
  for (const x of probes.filter((p) => p.due >= w.start && p.due < w.end))
    duringFault[String(x.outcome)] = (duringFault[String(x.outcome)] ?? 0) + 1;
  const reasons: Record<string, number> = {};
  for (const x of probes.filter((p) => !ok(p))) {
    const why = typeof x.outcome === "number" ? detailOf(x.body) : x.outcome;
    reasons[why] = (reasons[why] ?? 0) + 1;
  }
  return {
    reasons,
    notReadyAfterMs: firstBad ? Math.round(firstBad.done - w.start) : null,
    readyAgainAfterMs: firstBad || lastBad ? (settled ? Math.round(settled.done - w.end) : null) : null,
    duringFault,
    healthNot200: samples.filter((x) => x.type === "health" && x.due >= w.start && !ok(x)).length,
  };
}

/** `database.detail` of a /health/ready answer, numbers masked so alike reasons group. */
function detailOf(body: string | undefined): string {
  try {
    const doc = JSON.parse(body ?? "") as { database?: { detail?: string }; serving?: { ok?: boolean } };
    const db = doc.database?.detail ?? "?";
    return (doc.serving?.ok === false ? `${db}; serving not ready` : db).replace(/\d+/g, "#");
  } catch {
    return (body ?? "").slice(0, 80);
  }
}

export interface ServerErrors {
  /** 5xx answers from the fault's start on. */
  count: number;
  /** ... refused by load shedding before the app (request id, no log line per request). */
  shed: number;
  /** ... that named a request id (header). */
  withRequestId: number;
  /** ... whose request id appears in a line of the server's log. */
  inLog: number;
  /** Server log lines from the fault's start to the end of the traffic. */
  logLines: number;
  /** Up to 5 5xx answers not found in the log: type, status, request id and body. */
  untraced: string[];
}

/** Can each 5xx be traced from its request id to a log line? */
export function serverErrors(samples: readonly Sample[], log: readonly LogLine[], w: Window): ServerErrors {
  const logged = new Set<string>();
  for (const l of log) for (const m of l.text.matchAll(/request (\S+)/g)) logged.add(m[1] as string);
  // A 503 from /health/ready is its answer, not an error.
  const errors = samples.filter(
    (x) => x.type !== "ready" && x.due >= w.start && typeof x.outcome === "number" && x.outcome >= 500,
  );
  const shed = (x: Sample) => (x.body ?? "").includes("--max-concurrent-requests");
  return {
    count: errors.length,
    shed: errors.filter(shed).length,
    withRequestId: errors.filter((x) => x.answeredId).length,
    inLog: errors.filter((x) => x.answeredId && logged.has(x.answeredId)).length,
    logLines: log.filter((l) => l.at >= w.start).length,
    untraced: errors
      .filter((x) => !shed(x) && !(x.answeredId && logged.has(x.answeredId)))
      .slice(0, 5)
      .map((x) => `${x.type} ${x.outcome} ${x.answeredId || "(no id)"}: ${(x.body ?? "").slice(0, 120)}`),
  };
}
