/**
 * The metric checks of a canary analysis over one window: the candidate against the primary on
 * the same window, each result carrying its value next to its threshold (the evidence an event
 * records). Webhooks, PromQL and label-based AUC checks come on top of these.
 */
import { psi } from "../../monitoring/stats/psi.js";
import type { BucketCounts } from "./bucket-quantile.js";
import { bucketQuantile } from "./bucket-quantile.js";

/** What one variant did during a window. */
export interface VariantWindow {
  requests: number;
  /** Requests answered with a 5xx status. */
  errors: number;
  /** Request durations in seconds. */
  latency: BucketCounts;
  /** Predicted scores. */
  scores: BucketCounts;
}

export interface WindowThresholds {
  /** The candidate's error rate may exceed the primary's by this much (a fraction: 0.01 = 1 point). */
  maxErrorRateIncrease: number;
  /** The candidate's p99 may be at most max(latencyRatio × primary p99, primary p99 + latencySlackMs). */
  latencyRatio: number;
  latencySlackMs: number;
  /** Largest PSI between the candidate's and the primary's score distributions. */
  maxScorePsi: number;
  /** Fewer candidate requests than this fails the window (no traffic is a failed check, as in Flagger). */
  minRequests: number;
}

/** The documented defaults. */
export const DEFAULT_WINDOW_THRESHOLDS: WindowThresholds = {
  maxErrorRateIncrease: 0.01,
  latencyRatio: 1.5,
  latencySlackMs: 5,
  maxScorePsi: 0.2,
  minRequests: 20,
};

/** One check's verdict with its evidence. */
export interface CheckResult {
  /** `traffic`, `error-rate`, `latency-p99`, `score-psi`, `auc`, `webhook:NAME`, `promql:NAME`. */
  check: string;
  passed: boolean;
  value: number;
  threshold: number;
  /** One line for people: what was compared with what. */
  detail: string;
}

/** Run the metric checks on a window; with too little candidate traffic only that failure is reported. */
export function checkWindow(
  primary: VariantWindow,
  candidate: VariantWindow,
  t: WindowThresholds = DEFAULT_WINDOW_THRESHOLDS,
): CheckResult[] {
  const traffic: CheckResult = {
    check: "traffic",
    passed: candidate.requests >= t.minRequests,
    value: candidate.requests,
    threshold: t.minRequests,
    detail: `candidate served ${candidate.requests} requests (at least ${t.minRequests} needed)`,
  };
  if (!traffic.passed) return [traffic];
  return [traffic, errorRate(primary, candidate, t), latency(primary, candidate, t), scorePsi(primary, candidate, t)];
}

function errorRate(primary: VariantWindow, candidate: VariantWindow, t: WindowThresholds): CheckResult {
  const base = primary.requests > 0 ? primary.errors / primary.requests : 0;
  const value = candidate.errors / candidate.requests;
  const threshold = base + t.maxErrorRateIncrease;
  return {
    check: "error-rate",
    passed: value <= threshold,
    value,
    threshold,
    detail: `candidate ${pct(value)} errors vs primary ${pct(base)} + ${pct(t.maxErrorRateIncrease)}`,
  };
}

function latency(primary: VariantWindow, candidate: VariantWindow, t: WindowThresholds): CheckResult {
  const q = supportedQuantile(Math.min(primary.requests, candidate.requests));
  const label = q === 0.99 ? "p99" : `p${+(q * 100).toFixed(1)}`;
  const value = bucketQuantile(q, candidate.latency) * 1000;
  const base = bucketQuantile(q, primary.latency) * 1000;
  // A p99 of a handful of requests is noise (at full candidate weight the primary serves only the
  // requests in flight while the weight changed): no verdict without a baseline of minRequests.
  if (Number.isNaN(base) || primary.requests < t.minRequests) {
    return {
      ...noBaseline("latency-p99", value),
      detail: `candidate ${label} ${ms(value)}; the primary served ${primary.requests} requests, too few to compare`,
    };
  }
  const threshold = Math.max(t.latencyRatio * base, base + t.latencySlackMs);
  return {
    check: "latency-p99",
    passed: value <= threshold,
    value,
    threshold,
    detail: `candidate ${label} ${ms(value)} vs max(${t.latencyRatio} × ${ms(base)}, ${ms(base)} + ${t.latencySlackMs} ms)${q < 0.99 ? ` (${label}: the highest quantile ${Math.min(primary.requests, candidate.requests)} requests support)` : ""}`,
  };
}

/**
 * The p99 of 40 requests is their maximum: one garbage-collection pause would fail a good
 * candidate. The quantile compared is the highest with at least 5 requests above it in the smaller
 * sample (p99 from 500 requests on; p87.5 at 40), never below the median.
 */
export function supportedQuantile(requests: number): number {
  if (!(requests > 0)) return 0.99;
  return Math.max(0.5, Math.min(0.99, 1 - 5 / requests));
}

function scorePsi(primary: VariantWindow, candidate: VariantWindow, t: WindowThresholds): CheckResult {
  const p = primary.scores.counts;
  const c = candidate.scores.counts;
  const nc = sum(c);
  if (sum(p) === 0 || nc === 0) {
    return { ...noBaseline("score-psi", Number.NaN), detail: "no scores from the primary (or candidate) to compare" };
  }
  const np = sum(p);
  if (nc < MIN_PSI_SCORES || np < MIN_PSI_SCORES) {
    return {
      ...noBaseline("score-psi", Number.NaN),
      detail: `${nc} candidate and ${np} primary scores in the window; PSI needs ${MIN_PSI_SCORES} on each side (sampling noise alone would exceed the limit)`,
    };
  }
  const bins = equalMassBins(p, PSI_BINS);
  const value = psi(mergeBins(p, bins), mergeBins(c, bins));
  return {
    check: "score-psi",
    passed: value <= t.maxScorePsi,
    value,
    threshold: t.maxScorePsi,
    detail: `PSI of candidate vs primary scores ${value.toFixed(3)} over ${bins.length} bins of equal primary mass (at most ${t.maxScorePsi})`,
  };
}

/**
 * PSI's sampling noise grows with bins/samples (≈ (bins − 1)/n for a sample of n): on 20 fixed
 * buckets and a few dozen candidate scores an identical model already "drifts". Evidently bins by
 * the reference's quantiles; here the score buckets are merged into about 10 bins of equal primary
 * mass, and fewer than 100 scores on either side make no verdict.
 */
const PSI_BINS = 10;
const MIN_PSI_SCORES = 100;

/** Bucket index ranges [start, end) holding about 1/n of the reference's mass each. */
export function equalMassBins(reference: readonly number[], n: number): [number, number][] {
  const total = sum(reference);
  const bins: [number, number][] = [];
  let start = 0;
  let acc = 0;
  for (let i = 0; i < reference.length; i++) {
    acc += reference[i] as number;
    if (bins.length < n - 1 && acc >= (total * (bins.length + 1)) / n && i < reference.length - 1) {
      bins.push([start, i + 1]);
      start = i + 1;
    }
  }
  bins.push([start, reference.length]);
  return bins;
}

function mergeBins(counts: readonly number[], bins: [number, number][]): number[] {
  return bins.map(([a, b]) => {
    let s = 0;
    for (let i = a; i < b; i++) s += counts[i] as number;
    return s;
  });
}

function sum(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}

/** Without a primary baseline (it served nothing in the window) a comparison cannot fail. */
function noBaseline(check: CheckResult["check"], value: number): Omit<CheckResult, "detail"> {
  return { check, passed: true, value, threshold: Number.POSITIVE_INFINITY };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(2)} %`;
}

function ms(x: number): string {
  return `${x.toFixed(2)} ms`;
}
