/**
 * The labelled part of a bucket: for one model version, its answered predictions that have an
 * outcome, summarized per outcome (count, log-loss sums, calibration bins over the score) plus a
 * bounded sample of (score, outcome) pairs for the AUC. Every sum covers every label; only the AUC
 * reads the sample, which holds every label while there are at most `capacity` of them.
 */
import type { LabeledScore } from "../../../serving/prediction-log/prediction-log-store.js";
import { pickIndices } from "./row-sample.js";

/** Equal-width score bins of the calibration error (as realized-performance computes it). */
export const CALIBRATION_BINS = 10;
const EPS = 1e-15;

/** Label sample capacities per bucket span. */
export const LABEL_SAMPLE_ROWS = { minute: 256, hour: 4096 } as const;

/** The labels of one outcome value. */
export interface OutcomeStats {
  count: number;
  /** Σ −ln(q) and Σ −ln(1 − q) over the scores q (clipped to [1e-15, 1 − 1e-15]). */
  lossIfPositive: number;
  lossIfNegative: number;
  /** Per calibration bin: labels, and the sum of their scores (clamped to [0, 1]). */
  binCounts: number[];
  binSums: number[];
}

export interface LabelBucket {
  /** Labelled predictions with a finite score. */
  labelled: number;
  outcomes: Map<string, OutcomeStats>;
  /** The sampled pairs: scores, and each one's outcome as an index into `names`. */
  scores: Float64Array;
  outcomeIndex: Uint16Array;
  names: string[];
}

/** The calibration bin of a score (a score of exactly 1 belongs to the last bin). */
export function calibrationBin(score: number): number {
  const s = Math.min(Math.max(score, 0), 1);
  return Math.min(Math.floor(s * CALIBRATION_BINS), CALIBRATION_BINS - 1);
}

function emptyOutcome(): OutcomeStats {
  return {
    count: 0,
    lossIfPositive: 0,
    lossIfNegative: 0,
    binCounts: new Array<number>(CALIBRATION_BINS).fill(0),
    binSums: new Array<number>(CALIBRATION_BINS).fill(0),
  };
}

/**
 * One bucket per model version from a bucket's labelled scores (the log's join of predictions and
 * feedback): the primary's answered rows only, with a finite score. `random` picks the sample when
 * there are more than `capacity` labels.
 */
export function labelBuckets(
  labels: readonly LabeledScore[],
  capacity: number,
  random: () => number,
): Map<string, LabelBucket> {
  const byVersion = new Map<string, LabeledScore[]>();
  for (const l of labels) {
    if (l.variant !== "primary" || l.shadow || !Number.isFinite(l.score)) continue;
    const key = versionKey(l.modelName, l.modelVersion);
    let list = byVersion.get(key);
    if (!list) {
      list = [];
      byVersion.set(key, list);
    }
    list.push(l);
  }
  const out = new Map<string, LabelBucket>();
  for (const [key, list] of byVersion) out.set(key, labelBucketOf(list, capacity, random));
  return out;
}

function labelBucketOf(list: readonly LabeledScore[], capacity: number, random: () => number): LabelBucket {
  const outcomes = new Map<string, OutcomeStats>();
  for (const l of list) {
    let o = outcomes.get(l.outcome);
    if (!o) {
      o = emptyOutcome();
      outcomes.set(l.outcome, o);
    }
    const q = Math.min(Math.max(l.score, EPS), 1 - EPS);
    o.count++;
    o.lossIfPositive -= Math.log(q);
    o.lossIfNegative -= Math.log(1 - q);
    const b = calibrationBin(l.score);
    (o.binCounts[b] as number)++;
    (o.binSums[b] as number) += Math.min(Math.max(l.score, 0), 1);
  }
  const lumped = lumpRareOutcomes(outcomes);
  const names = [...outcomes.keys()];
  const index = new Map(names.map((n, i) => [n, i]));
  for (const name of lumped) index.set(name, index.get(OTHER_OUTCOMES) as number);
  const kept = list.length <= capacity ? undefined : pickIndices(list.length, capacity, random);
  const size = kept ? kept.length : list.length;
  const scores = new Float64Array(size);
  const outcomeIndex = new Uint16Array(size);
  for (let j = 0; j < size; j++) {
    const l = list[kept ? (kept[j] as number) : j] as LabeledScore;
    scores[j] = l.score;
    outcomeIndex[j] = index.get(l.outcome) as number;
  }
  return { labelled: list.length, outcomes, scores, outcomeIndex, names };
}

/** Most distinct outcomes a bucket keeps; rarer ones are summed under {@link OTHER_OUTCOMES}. */
export const MAX_OUTCOMES = 64;
/** The name rare outcomes are summed under (no client can send it: outcomes are non-empty text without NUL). */
export const OTHER_OUTCOMES = "\u0000other";

/** Sum all but the MAX_OUTCOMES − 1 most frequent outcomes under OTHER_OUTCOMES; the names summed. */
function lumpRareOutcomes(outcomes: Map<string, OutcomeStats>): string[] {
  if (outcomes.size <= MAX_OUTCOMES) return [];
  const rare = [...outcomes].sort((a, b) => b[1].count - a[1].count).slice(MAX_OUTCOMES - 1);
  const other = emptyOutcome();
  for (const [name, o] of rare) {
    outcomes.delete(name);
    addOutcome(other, o);
  }
  outcomes.set(OTHER_OUTCOMES, other);
  return rare.map(([name]) => name);
}

/** Add `from`'s sums into `into`. */
export function addOutcome(into: OutcomeStats, from: OutcomeStats): void {
  into.count += from.count;
  into.lossIfPositive += from.lossIfPositive;
  into.lossIfNegative += from.lossIfNegative;
  for (let b = 0; b < CALIBRATION_BINS; b++) {
    (into.binCounts[b] as number) += from.binCounts[b] as number;
    (into.binSums[b] as number) += from.binSums[b] as number;
  }
}

/** Empty sums of one outcome. */
export function emptyOutcomeStats(): OutcomeStats {
  return emptyOutcome();
}

/** The key of a model version in maps. */
export function versionKey(name: string, version: string): string {
  return `${name}\u0000${version}`;
}

/** A version key back into its name and version. */
export function splitVersionKey(key: string): [string, string] {
  const at = key.indexOf("\u0000");
  return [key.slice(0, at), key.slice(at + 1)];
}
