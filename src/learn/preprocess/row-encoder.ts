/**
 * One row encoded straight into a feature vector, without building a Table: the single-row path of
 * online serving. It applies exactly the encoding of {@link Preprocessor.transform} to one row.
 */
import { categoryLookup } from "./columns.js";
import type { Preprocessor } from "./preprocessor.js";
import { isCategorical } from "./spec.js";

/** A reusable one-row encoder; not reentrant (set every spec, read `features`, repeat). */
export class RowEncoder {
  /** The encoded row: a one-row column-major feature matrix's data. */
  readonly features: Float64Array;
  /** First output column of each spec. */
  private readonly offset: Int32Array;
  private readonly lookups: (ReadonlyMap<string, number> | undefined)[];
  private readonly linear: boolean;

  constructor(private readonly pre: Preprocessor) {
    this.features = new Float64Array(pre.featureNames.length);
    this.offset = new Int32Array(pre.specs.length);
    this.linear = pre.kind === "linear";
    let j = 0;
    this.lookups = pre.specs.map((s, k) => {
      this.offset[k] = j;
      if (!isCategorical(s)) {
        j += 1;
        return undefined;
      }
      j += this.linear ? s.categories.length : 1;
      return categoryLookup(s.categories);
    });
  }

  /** Numeric spec `k` (bool as 0/1, timestamp as epoch ms); NaN means missing. */
  setNumber(k: number, v: number): void {
    const j = this.offset[k] as number;
    if (!this.linear) {
      this.features[j] = v;
      return;
    }
    const s = this.pre.specs[k] as { median: number; mean?: number; std?: number };
    const x = Number.isFinite(v) ? v : s.median;
    this.features[j] = (x - (s.mean ?? 0)) / (s.std ?? 1);
  }

  /** Categorical spec `k`; undefined means missing. Unseen and missing values encode alike. */
  setString(k: number, v: string | undefined): void {
    const j = this.offset[k] as number;
    const index = v === undefined ? -1 : ((this.lookups[k] as ReadonlyMap<string, number>).get(v) ?? -1);
    if (!this.linear) {
      this.features[j] = index < 0 ? Number.NaN : index;
      return;
    }
    const width = (this.pre.specs[k] as { categories: readonly string[] }).categories.length;
    this.features.fill(0, j, j + width);
    if (index >= 0) this.features[j + index] = 1;
  }
}
