/**
 * Analysis windows read from Prometheus, for deployments served by several replicas: every figure
 * is `increase()` over the window, summed over replicas, evaluated at the instant of the read.
 *
 * `increase()` extrapolates from the samples inside the range to its edges, so counts are
 * approximate and fractional (a few percent high on short windows); the window checks compare
 * rates and distributions, which tolerate that. It also counts nothing of a series' first sample,
 * so requests that created a series (a candidate's first traffic) before its first scrape are missed.
 */
import type { Clock } from "../../../core/clock.js";
import { LATENCY_BUCKETS, SCORE_BUCKETS } from "../../../serving/metrics/buckets.js";
import type { BucketCounts } from "../bucket-quantile.js";
import type { VariantWindow } from "../window-checks.js";
import type { AnalysisWindow, CandidateVariant, WindowReading, WindowSource } from "../window-source.js";
import type { InstantQuerier, PromSample } from "./prometheus-client.js";
import { labelEquals, rangeSeconds } from "./promql-text.js";

const REQUESTS = "modelworks_requests_total";
const LATENCY = "modelworks_request_duration_seconds_bucket";
const SCORES = "modelworks_prediction_score_bucket";

export interface PrometheusWindowSourceDeps {
  clock: Clock;
}

/** Windows over the serving metrics every replica exposes, scraped by one Prometheus. */
export class PrometheusWindowSource implements WindowSource {
  constructor(
    private readonly client: InstantQuerier,
    private readonly deps: PrometheusWindowSourceDeps,
  ) {}

  /** Remember the start; each read covers start → now. */
  async open(deployment: string, candidate: CandidateVariant): Promise<AnalysisWindow> {
    const start = this.deps.clock.now();
    return { read: () => this.read(deployment, candidate, start) };
  }

  private async read(deployment: string, candidate: CandidateVariant, start: number): Promise<WindowReading> {
    const now = this.deps.clock.now();
    const durationMs = Math.max(0, now - start);
    // One evaluation instant for every query, so the variants' figures cover the same range.
    const at = { range: rangeSeconds(durationMs), timeSec: now / 1000 };
    const [primary, cand] = await Promise.all([
      this.variant(deployment, "primary", at),
      this.variant(deployment, candidate, at),
    ]);
    return { primary, candidate: cand, durationMs };
  }

  private async variant(
    deployment: string,
    variant: string,
    at: { range: number; timeSec: number },
  ): Promise<VariantWindow> {
    const sel = `${labelEquals("deployment", deployment)},${labelEquals("variant", variant)}`;
    const inc = (metric: string, extra = "") => `increase(${metric}{${sel}${extra}}[${at.range}s])`;
    const [requests, errors, latency, scores] = await Promise.all([
      this.client.query(`sum(${inc(REQUESTS)})`, at.timeSec),
      this.client.query(`sum(${inc(REQUESTS, ',status=~"5.."')})`, at.timeSec),
      this.client.query(`sum by (le) (${inc(LATENCY)})`, at.timeSec),
      this.client.query(`sum by (le) (${inc(SCORES)})`, at.timeSec),
    ]);
    return {
      requests: total(requests),
      errors: total(errors),
      latency: perBucket(latency, LATENCY_BUCKETS),
      scores: perBucket(scores, SCORE_BUCKETS),
    };
  }
}

/** The value of a `sum(...)`: no series (nothing matched) is 0. */
function total(samples: PromSample[]): number {
  const v = samples[0]?.value;
  return v !== undefined && Number.isFinite(v) ? v : 0;
}

/**
 * Cumulative `le` buckets as per-bucket counts (bounds ascending, +Inf last). Without series the
 * histogram is empty over `known` bounds, which the checks read as no traffic.
 */
export function perBucket(samples: PromSample[], known: readonly number[]): BucketCounts {
  const cumulative = samples
    .map((s) => ({ le: leOf(s.labels.le), value: Number.isFinite(s.value) ? s.value : 0 }))
    .filter((b) => !Number.isNaN(b.le))
    .sort((a, b) => a.le - b.le);
  if (cumulative.length === 0) return { bounds: [...known], counts: new Array(known.length + 1).fill(0) };
  const finite = cumulative.filter((b) => b.le !== Number.POSITIVE_INFINITY);
  const inf = cumulative.find((b) => b.le === Number.POSITIVE_INFINITY);
  const counts: number[] = [];
  let below = 0;
  for (const b of [...finite, ...(inf ? [inf] : [])]) {
    // Each bucket series is extrapolated on its own, so a cumulative count can dip under the one before.
    counts.push(Math.max(0, b.value - below));
    below = Math.max(below, b.value);
  }
  if (!inf) counts.push(0);
  return { bounds: finite.map((b) => b.le), counts };
}

function leOf(le: string | undefined): number {
  if (le === "+Inf" || le === "Inf") return Number.POSITIVE_INFINITY;
  return le === undefined || le.trim() === "" ? Number.NaN : Number(le);
}
