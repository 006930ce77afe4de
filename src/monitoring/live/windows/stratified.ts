/**
 * One sample of a window from its buckets' samples: every bucket contributes in proportion to the
 * rows it holds (a stratified sample with proportional allocation, so no bucket is over- or
 * under-represented). When every bucket kept all its rows and they fit, the "sample" is every row.
 * The strata are met one at a time (buckets are read a page at a time), so the totals come first
 * and only the chosen rows are kept: memory is the sample's, not the window's.
 */
import type { LabelBucket } from "./label-bucket.js";
import type { RowSample } from "./row-sample.js";
import { pickIndices } from "./row-sample.js";

/** How many of `total` rows a sample holds (equal when it holds them all). */
export interface SampleSize {
  size: number;
  total: number;
}

/** A stratum as counted before it is read: its rows, and how many of them its sample kept. */
export interface Stratum {
  n: number;
  kept: number;
}

/**
 * The sample size for strata of `total` rows: at most `max`, and bounded by the thinnest stratum
 * (one that kept 1 in 6 of its rows allows a sample of at most 1 in 6 of all rows).
 */
export function sampleSize(total: number, max: number, thinnest: Stratum | undefined): number {
  const size = Math.min(max, total);
  if (!thinnest || thinnest.kept >= thinnest.n) return size;
  return Math.min(size, Math.floor((thinnest.kept * total) / thinnest.n));
}

/** Of two strata, the one that kept the smaller share of its rows. */
export function thinner(a: Stratum | undefined, b: Stratum): Stratum {
  return !a || b.kept * a.n < a.kept * b.n ? b : a;
}

/**
 * Systematic proportional allocation over strata met in order: the shares add up to `size`
 * exactly, each within one of its exact share, never more than a stratum kept. Strata that
 * outgrow `total` (a bucket that gained rows after it was counted) get what is left.
 */
export class Allocation {
  private cum = 0;
  private before = 0;

  constructor(
    private readonly total: number,
    readonly size: number,
    private readonly u: number,
  ) {}

  /** Rows to take from the next stratum. */
  next(s: Stratum): number {
    if (this.total === 0) return 0;
    this.cum = Math.min(this.total, this.cum + s.n);
    const upto = Math.floor((this.size * this.cum) / this.total + this.u);
    const take = Math.max(0, Math.min(upto - this.before, s.kept));
    this.before = Math.max(this.before, upto);
    return take;
  }
}

/** Rows to take from each stratum of an in-memory list (the sizes known up front). */
export function allocate(strata: readonly Stratum[], max: number, random: () => number): number[] {
  const total = strata.reduce((s, x) => s + x.n, 0);
  const thinnest = strata.reduce<Stratum | undefined>((m, s) => (s.n > 0 ? thinner(m, s) : m), undefined);
  const a = new Allocation(total, sampleSize(total, max, thinnest), random());
  return strata.map((s) => a.next(s));
}

/** The chosen rows of bucket samples offered in order: per input name, their values. */
export class RowCollector {
  private readonly columns = new Map<string, Float64Array>();
  private at = 0;
  private total = 0;

  constructor(
    private readonly allocation: Allocation,
    private readonly random: () => number,
  ) {}

  /** Take this bucket's share of its sample (a bucket without an input gives missing values). */
  add(s: RowSample): void {
    this.total += s.seen;
    const k = Math.min(this.allocation.next({ n: s.seen, kept: s.size }), this.allocation.size - this.at);
    if (k <= 0) return;
    const rows = k === s.size ? undefined : pickIndices(s.size, k, this.random);
    s.names.forEach((name, c) => {
      let dst = this.columns.get(name);
      if (!dst) {
        dst = new Float64Array(this.allocation.size).fill(Number.NaN);
        this.columns.set(name, dst);
      }
      const src = s.columns[c] as Float64Array;
      for (let j = 0; j < k; j++) dst[this.at + j] = src[rows ? (rows[j] as number) : j] as number;
    });
    this.at += k;
  }

  /** The sample: each input's values (missing as NaN), and how many of how many rows. */
  result(): { columns: Map<string, Float64Array>; size: SampleSize } {
    const columns = new Map([...this.columns].map(([name, v]) => [name, v.subarray(0, this.at)]));
    return { columns, size: { size: this.at, total: this.total } };
  }
}

/** The chosen (score, outcome) pairs of label buckets offered in order. */
export class LabelCollector {
  private readonly scores: Float64Array;
  private readonly outcomes: string[] = [];
  private total = 0;

  constructor(
    private readonly allocation: Allocation,
    private readonly random: () => number,
  ) {
    this.scores = new Float64Array(allocation.size);
  }

  /** Take this bucket's share of its labelled pairs. */
  add(b: LabelBucket): void {
    this.total += b.labelled;
    const at = this.outcomes.length;
    const k = Math.min(this.allocation.next({ n: b.labelled, kept: b.scores.length }), this.allocation.size - at);
    if (k <= 0) return;
    const rows = k === b.scores.length ? undefined : pickIndices(b.scores.length, k, this.random);
    for (let j = 0; j < k; j++) {
      const r = rows ? (rows[j] as number) : j;
      this.scores[at + j] = b.scores[r] as number;
      this.outcomes.push(b.names[b.outcomeIndex[r] as number] as string);
    }
  }

  /** The sample, and how many of how many labels. */
  result(): { scores: Float64Array; outcomes: string[]; size: SampleSize } {
    const size = this.outcomes.length;
    return { scores: this.scores.subarray(0, size), outcomes: this.outcomes, size: { size, total: this.total } };
  }
}
