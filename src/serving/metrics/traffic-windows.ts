/**
 * Live traffic of served deployments over a recent window, from the serving metrics' cumulative
 * totals: a ring of snapshots (every 2 s for the last hour by default) is kept, and a window is the
 * difference between the totals now and the newest snapshot at least a window old.
 */
import type { Clock } from "../../core/clock.js";
import { LATENCY_BUCKETS } from "./buckets.js";
import { histogramQuantile } from "./histogram-quantile.js";
import type { ServingMetrics, VariantTotals } from "./serving-metrics.js";

/** The variants a deployment can serve. */
export const TRAFFIC_VARIANTS = ["primary", "candidate", "shadow"] as const;
export type TrafficVariant = (typeof TRAFFIC_VARIANTS)[number];

/** One variant's numbers over a window. */
export interface VariantTraffic {
  requests: number;
  requestsPerSecond: number;
  /** Non-2xx answers / requests (0 without requests). */
  errorRate: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

/** Where the traffic route reads live numbers; undefined for a deployment this process does not serve. */
export interface TrafficSource {
  window(deployment: string, windowMs: number): Map<TrafficVariant, VariantTraffic> | undefined;
}

interface Counts {
  requests: number;
  failures: number;
  latency: number[];
}

interface Snapshot {
  time: number;
  byDeployment: Map<string, Map<TrafficVariant, Counts>>;
}

export interface TrafficWindowsOptions {
  /** Snapshot period (default 2 s). */
  everyMs?: number;
  /** How far back snapshots are kept (default 1 h, the longest window). */
  keepMs?: number;
}

/** Snapshots of a serving process's totals, differenced into windows. */
export class TrafficWindows implements TrafficSource {
  private readonly ring: Snapshot[] = [];
  private readonly everyMs: number;
  private readonly keepMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly metrics: Pick<ServingMetrics, "variantTotals">,
    /** The deployments served now. */
    private readonly served: () => Iterable<string>,
    private readonly clock: Clock,
    options: TrafficWindowsOptions = {},
  ) {
    this.everyMs = options.everyMs ?? 2000;
    this.keepMs = options.keepMs ?? 3_600_000;
  }

  /** Take a snapshot now and every `everyMs` after (the timer never keeps the process alive). */
  start(): this {
    this.snapshot();
    this.timer ??= setInterval(() => this.snapshot(), this.everyMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Record the totals of every served deployment, dropping snapshots older than `keepMs` (one extra kept as a base). */
  snapshot(): void {
    const time = this.clock.now();
    const byDeployment = new Map<string, Map<TrafficVariant, Counts>>();
    for (const d of this.served()) byDeployment.set(d, this.read(d));
    this.ring.push({ time, byDeployment });
    while (this.ring.length > 2 && (this.ring[1] as Snapshot).time <= time - this.keepMs) this.ring.shift();
  }

  window(deployment: string, windowMs: number): Map<TrafficVariant, VariantTraffic> | undefined {
    if (!new Set(this.served()).has(deployment)) return undefined;
    const now = this.clock.now();
    const current = this.read(deployment);
    const base = this.baseFor(deployment, now - windowMs);
    const seconds = base ? Math.max((now - base.time) / 1000, 0.001) : windowMs / 1000;
    const out = new Map<TrafficVariant, VariantTraffic>();
    for (const v of TRAFFIC_VARIANTS) {
      const after = current.get(v) as Counts;
      const before = base?.counts.get(v);
      out.set(v, difference(after, before, seconds));
    }
    return out;
  }

  /** The newest snapshot of the deployment taken at or before `time`, else its oldest (a young process). */
  private baseFor(deployment: string, time: number): { time: number; counts: Map<TrafficVariant, Counts> } | undefined {
    let oldest: Snapshot | undefined;
    for (let i = this.ring.length - 1; i >= 0; i--) {
      const s = this.ring[i] as Snapshot;
      if (!s.byDeployment.has(deployment)) continue;
      if (s.time <= time)
        return { time: s.time, counts: s.byDeployment.get(deployment) as Map<TrafficVariant, Counts> };
      oldest = s;
    }
    return oldest && { time: oldest.time, counts: oldest.byDeployment.get(deployment) as Map<TrafficVariant, Counts> };
  }

  private read(deployment: string): Map<TrafficVariant, Counts> {
    const m = new Map<TrafficVariant, Counts>();
    for (const v of TRAFFIC_VARIANTS) m.set(v, countsOf(this.metrics.variantTotals(deployment, v)));
    return m;
  }
}

function countsOf(t: VariantTotals): Counts {
  return { requests: t.requests, failures: t.failures, latency: [...t.latency.counts] };
}

/** Totals after minus before (no base: everything so far), clamped at zero in case the series restarted. */
function difference(after: Counts, before: Counts | undefined, seconds: number): VariantTraffic {
  const requests = Math.max(0, after.requests - (before?.requests ?? 0));
  const failures = Math.max(0, after.failures - (before?.failures ?? 0));
  const latency = after.latency.map((c, i) => Math.max(0, c - (before?.latency[i] ?? 0)));
  return {
    requests,
    requestsPerSecond: requests / seconds,
    errorRate: requests > 0 ? Math.min(1, failures / requests) : 0,
    p50Ms: toMs(histogramQuantile(0.5, LATENCY_BUCKETS, latency)),
    p99Ms: toMs(histogramQuantile(0.99, LATENCY_BUCKETS, latency)),
  };
}

function toMs(seconds: number | null): number | null {
  return seconds === null ? null : seconds * 1000;
}
