/**
 * The 5xx share of a deployment's requests over a window, from running totals (a serving process's
 * metrics): readings are kept per deployment and the window is the difference between now and the
 * newest reading at least a window old (or the oldest one, while the process is younger).
 */
import type { Clock } from "../../core/clock.js";
import type { ServingMetrics } from "../../serving/metrics/serving-metrics.js";
import type { ErrorRateReading } from "./alert-rules.js";

/** Running request and 5xx totals of a deployment, or undefined when this process does not serve it. */
export type RequestTotalsReader = (deployment: string) => { requests: number; errors: number } | undefined;

interface Reading {
  time: number;
  requests: number;
  errors: number;
}

/** Windows over a {@link RequestTotalsReader}. */
export class ErrorRateTracker {
  private readonly readings = new Map<string, Reading[]>();

  constructor(
    private readonly read: RequestTotalsReader,
    private readonly clock: Clock,
  ) {}

  /** The error rate over the last `windowMs`; undefined without totals, without an earlier reading, or without requests. */
  rate(deployment: string, windowMs: number): ErrorRateReading | undefined {
    const totals = this.read(deployment);
    if (!totals) return undefined;
    const now: Reading = { time: this.clock.now(), ...totals };
    const list = this.readings.get(deployment) ?? [];
    // A restarted server starts its totals again from zero.
    const past = list.filter((r) => r.requests <= now.requests && r.errors <= now.errors);
    const old = past.filter((r) => r.time <= now.time - windowMs);
    const base = old[old.length - 1] ?? past[0];
    // Readings older than the base are never needed again.
    this.readings.set(deployment, [...past.filter((r) => base === undefined || r.time >= base.time), now]);
    if (!base) return undefined;
    const requests = now.requests - base.requests;
    const errors = now.errors - base.errors;
    if (requests <= 0) return undefined;
    return { rate: errors / requests, requests, errors };
  }
}

/** The request totals of a serving process's metrics: what the primary and the candidate answered (shadow copies are never answered). */
export function servingTotals(metrics: Pick<ServingMetrics, "variantTotals">): RequestTotalsReader {
  return (deployment) => {
    const primary = metrics.variantTotals(deployment, "primary");
    const candidate = metrics.variantTotals(deployment, "candidate");
    return { requests: primary.requests + candidate.requests, errors: primary.errors + candidate.errors };
  };
}
