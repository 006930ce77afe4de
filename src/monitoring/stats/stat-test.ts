/**
 * Drift statistics as Evidently names and applies them: each test compares one column's reference
 * and current samples and gives a score that is either a p-value (drift when small) or a distance
 * (drift when large), against a threshold.
 */

/** How a column is treated by the tests. */
export type ColumnKind = "numerical" | "categorical";

/** A numerical column's non-null values, sorted ascending (NaN removed). */
export interface NumericSample {
  kind: "numerical";
  sorted: Float64Array;
}

/** A categorical column's non-null value counts (booleans and numbers as their text). */
export interface CategoricalSample {
  kind: "categorical";
  counts: Map<string, number>;
}

export type ColumnSample = NumericSample | CategoricalSample;

/** Evidently's test names. */
export type StatTestName = "ks" | "chisquare" | "z" | "wasserstein" | "jensenshannon" | "psi" | "kl_div" | "linf";

export interface StatTestResult {
  test: StatTestName;
  /** The test's statistic (KS D, χ², z, normed Wasserstein, JS distance, PSI, KL, L∞). */
  statistic: number;
  /** For p-value tests: the p-value (also the score). */
  pValue?: number;
  /** What is compared with the threshold: the p-value or the distance. */
  score: number;
  threshold: number;
  drifted: boolean;
}

/** One test: which kinds of columns it accepts, its default threshold and how it decides. */
export interface StatTest {
  name: StatTestName;
  /** `p_value`: drift when score < threshold (≤ for KS, as Evidently); `distance`: drift when score ≥ threshold. */
  scoreKind: "p_value" | "distance";
  defaultThreshold: number;
  kinds: readonly ColumnKind[];
  run(reference: ColumnSample, current: ColumnSample, threshold?: number): StatTestResult;
}
