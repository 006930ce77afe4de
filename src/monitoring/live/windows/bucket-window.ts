/**
 * A time window as a merge of buckets: whole hours from hour buckets, the ragged edges from minute
 * buckets. The window's start is aligned down to a minute (to an hour once minute buckets that old
 * are pruned), so the window a result reports is exactly the rows its buckets hold.
 */
import type { FeatureStats } from "./feature-stats.js";
import { copyStats, mergeStats } from "./feature-stats.js";
import type { LabelBucket, OutcomeStats } from "./label-bucket.js";
import { addOutcome, emptyOutcomeStats, LABEL_SAMPLE_ROWS, versionKey } from "./label-bucket.js";
import type { PredictionBucket } from "./prediction-bucket.js";
import { SAMPLE_ROWS } from "./prediction-bucket.js";
import type { SampleSize, Stratum } from "./stratified.js";
import { Allocation, LabelCollector, RowCollector, sampleSize, thinner } from "./stratified.js";
import type { SpanMs, WindowStore } from "./window-store.js";
import { HOUR_MS, MINUTE_MS } from "./window-store.js";

/** One model version's part of a window. */
export interface VersionWindow {
  modelName: string;
  modelVersion: string;
  rows: number;
  badCells: number;
  /** Every row's statistics, per input. */
  features: Map<string, FeatureStats>;
  /** A stratified sample of the buckets' sampled numerical inputs (NaN: missing). */
  sample: { columns: Map<string, Float64Array>; size: SampleSize };
  /** Labelled rows with a finite score, and their sums per outcome. */
  labelled: number;
  outcomes: Map<string, OutcomeStats>;
  /** A stratified sample of the labelled (score, outcome) pairs. */
  labelSample: { scores: Float64Array; outcomes: string[]; size: SampleSize };
}

/** How large a window's samples may be, and what draws them. */
export interface WindowSampling {
  /** Most sampled rows per version (default 50,000). */
  maxRows?: number;
  /** Most sampled labels per version (default 200,000). */
  maxLabels?: number;
  random?: () => number;
  /** Called after each page of buckets: gives way to serving (see Pacer). */
  pace?: () => Promise<void>;
}

export interface BucketWindow {
  start: number;
  /** Exclusive. */
  end: number;
  versions: Map<string, VersionWindow>;
  /** Buckets read, for the record. */
  buckets: number;
}

/**
 * The [from, to) ranges of bucket starts to read per span for the window [start, end), `end` just
 * after now: hour buckets from the first whole hour on (the current hour's bucket holds every row
 * logged in it so far), minute buckets before it; minute buckets only when the window starts
 * inside the current hour.
 */
export function bucketRanges(start: number, end: number): { spanMs: SpanMs; from: number; to: number }[] {
  const firstHour = Math.ceil(start / HOUR_MS) * HOUR_MS;
  if (firstHour >= end) return [{ spanMs: MINUTE_MS, from: start, to: end }];
  const out: { spanMs: SpanMs; from: number; to: number }[] = [];
  if (start < firstHour) out.push({ spanMs: MINUTE_MS, from: start, to: firstHour });
  out.push({ spanMs: HOUR_MS, from: firstHour, to: end });
  return out;
}

/**
 * The aligned start of a window of `ms` ending at `now`: down to a minute, or down to an hour when
 * minute buckets that old may be pruned (older than `minuteFloor`).
 */
export function alignedStart(now: number, ms: number, minuteFloor: number): number {
  const raw = now - ms;
  const span = raw >= minuteFloor ? MINUTE_MS : HOUR_MS;
  return Math.floor(raw / span) * span;
}

/** Buckets read per query: a day of hour buckets, an hour of minute buckets. */
const PAGE_BUCKETS = { [MINUTE_MS]: 60, [HOUR_MS]: 24 } as const;

/**
 * Read and merge the buckets of [start, end), a page at a time: counts and statistics add up, and
 * each version's samples keep only the rows a stratified sample of the whole window takes (the
 * totals are counted first), so memory does not grow with the window.
 */
export async function readBucketWindow(
  store: WindowStore,
  deployment: string,
  start: number,
  end: number,
  o: WindowSampling = {},
): Promise<BucketWindow> {
  const random = o.random ?? Math.random;
  const ranges = bucketRanges(start, end);
  const plans = await countWindow(store, deployment, ranges);
  const versions = new Map<string, Gathering>();
  const version = (name: string, v: string): Gathering => {
    const k = versionKey(name, v);
    let w = versions.get(k);
    if (!w) {
      const plan = plans.get(k) ?? { rows: { sum: 0 }, labels: { sum: 0 } };
      w = gathering(name, v, plan, o, random);
      versions.set(k, w);
    }
    return w;
  };
  let buckets = 0;
  for (const r of ranges) {
    const page = PAGE_BUCKETS[r.spanMs] * r.spanMs;
    for (let from = r.from; from < r.to; from += page) {
      const to = Math.min(r.to, from + page);
      const [predictions, labels] = await Promise.all([
        store.predictions(deployment, r.spanMs, from, to),
        store.labels(deployment, r.spanMs, from, to),
      ]);
      buckets += predictions.length + labels.length;
      for (const { key, bucket } of predictions) addPredictions(version(key.modelName, key.modelVersion), bucket);
      for (const { key, bucket } of labels) addLabels(version(key.modelName, key.modelVersion), bucket);
      await o.pace?.();
    }
  }
  const out = new Map([...versions].map(([k, g]) => [k, finished(g)]));
  return { start, end, versions: out, buckets };
}

/** A version's counted totals: rows and labels, and the thinnest bucket sample of each. */
interface VersionPlan {
  rows: { sum: number; thinnest?: Stratum };
  labels: { sum: number; thinnest?: Stratum };
}

/** Each version's totals over the window's ranges, from the stored counts (no bucket is decoded). */
async function countWindow(
  store: WindowStore,
  deployment: string,
  ranges: readonly { spanMs: SpanMs; from: number; to: number }[],
): Promise<Map<string, VersionPlan>> {
  const plans = new Map<string, VersionPlan>();
  const plan = (name: string, v: string): VersionPlan => {
    const k = versionKey(name, v);
    let p = plans.get(k);
    if (!p) {
      p = { rows: { sum: 0 }, labels: { sum: 0 } };
      plans.set(k, p);
    }
    return p;
  };
  for (const r of ranges) {
    const totals = await store.totals(deployment, r.spanMs, r.from, r.to);
    // A bucket keeps every row up to its sample's capacity: the largest one is the thinnest.
    const rowCap = r.spanMs === HOUR_MS ? SAMPLE_ROWS.hour : SAMPLE_ROWS.minute;
    const labelCap = r.spanMs === HOUR_MS ? LABEL_SAMPLE_ROWS.hour : LABEL_SAMPLE_ROWS.minute;
    for (const t of totals.predictions) count(plan(t.modelName, t.modelVersion).rows, t.sum, t.most, rowCap);
    for (const t of totals.labels) count(plan(t.modelName, t.modelVersion).labels, t.sum, t.most, labelCap);
  }
  return plans;
}

function count(into: { sum: number; thinnest?: Stratum }, sum: number, most: number, capacity: number): void {
  into.sum += sum;
  if (most > 0) into.thinnest = thinner(into.thinnest, { n: most, kept: Math.min(most, capacity) });
}

/** A version's window while its buckets are read. */
interface Gathering extends Omit<VersionWindow, "sample" | "labelSample"> {
  rowSample: RowCollector;
  labelCollector: LabelCollector;
}

function gathering(
  modelName: string,
  modelVersion: string,
  plan: VersionPlan,
  o: WindowSampling,
  random: () => number,
): Gathering {
  const rows = new Allocation(
    plan.rows.sum,
    sampleSize(plan.rows.sum, o.maxRows ?? 50_000, plan.rows.thinnest),
    random(),
  );
  const labels = new Allocation(
    plan.labels.sum,
    sampleSize(plan.labels.sum, o.maxLabels ?? 200_000, plan.labels.thinnest),
    random(),
  );
  return {
    modelName,
    modelVersion,
    rows: 0,
    badCells: 0,
    features: new Map(),
    labelled: 0,
    outcomes: new Map(),
    rowSample: new RowCollector(rows, random),
    labelCollector: new LabelCollector(labels, random),
  };
}

function addPredictions(w: Gathering, bucket: PredictionBucket): void {
  w.rows += bucket.rows;
  w.badCells += bucket.badCells;
  for (const [name, s] of bucket.features) {
    const into = w.features.get(name);
    if (!into) w.features.set(name, copyStats(s));
    else if (into.kind === s.kind) mergeStats(into, s);
  }
  w.rowSample.add(bucket.sample);
}

function addLabels(w: Gathering, bucket: LabelBucket): void {
  w.labelled += bucket.labelled;
  for (const [name, o] of bucket.outcomes) {
    let into = w.outcomes.get(name);
    if (!into) {
      into = emptyOutcomeStats();
      w.outcomes.set(name, into);
    }
    addOutcome(into, o);
  }
  w.labelCollector.add(bucket);
}

function finished(g: Gathering): VersionWindow {
  const { rowSample, labelCollector, ...rest } = g;
  return { ...rest, sample: rowSample.result(), labelSample: labelCollector.result() };
}
