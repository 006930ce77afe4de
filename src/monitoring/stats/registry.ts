/**
 * The tests by name, with Evidently's default thresholds and decision rules, and Evidently's
 * default choice of test for a column (`_get_default_stattest`, v0.7). Every `run` throws a
 * RangeError when either sample is empty (Evidently raises on an empty column too; the report layer
 * turns that into a problem note), and one on a sample of a kind the test cannot read.
 */
import { binnedCounts, compareCodePoints } from "./binning.js";
import { chiSquareTest } from "./chisquare.js";
import { jensenShannonDistance, klDivergence, lInfinityDistance } from "./divergence.js";
import { ksTwoSample } from "./ks.js";
import { psi } from "./psi.js";
import { sampleSize, valueCounts } from "./sample.js";
import type { ColumnKind, ColumnSample, NumericSample, StatTest, StatTestName, StatTestResult } from "./stat-test.js";
import { normedWasserstein } from "./wasserstein.js";
import { zTest } from "./z-test.js";

function nonEmpty(test: StatTestName, reference: ColumnSample, current: ColumnSample): void {
  for (const [side, sample] of [
    ["reference", reference],
    ["current", current],
  ] as const) {
    if (sampleSize(sample) === 0) throw new RangeError(`${test}: the ${side} sample is empty`);
  }
}

function numeric(test: StatTestName, sample: ColumnSample): Float64Array {
  if (sample.kind !== "numerical") throw new RangeError(`${test} needs numerical samples, got ${sample.kind}`);
  return (sample as NumericSample).sorted;
}

/** Keys in Python's `sorted` order: numbers ascending, text by code point. */
function compareKeys(x: string | number, y: string | number): number {
  if (typeof x === "number" && typeof y === "number") return x - y;
  return compareCodePoints(String(x), String(y));
}

function pValueTest(
  name: StatTestName,
  kinds: readonly ColumnKind[],
  inclusive: boolean,
  compute: (reference: ColumnSample, current: ColumnSample) => { statistic: number; pValue: number },
): StatTest {
  const defaultThreshold = 0.05;
  return {
    name,
    scoreKind: "p_value",
    defaultThreshold,
    kinds,
    run(reference, current, threshold = defaultThreshold): StatTestResult {
      nonEmpty(name, reference, current);
      const { statistic, pValue } = compute(reference, current);
      // KS drifts at p ≤ threshold, the others at p < threshold (NaN never drifts).
      const drifted = inclusive ? pValue <= threshold : pValue < threshold;
      return { test: name, statistic, pValue, score: pValue, threshold, drifted };
    },
  };
}

function distanceTest(
  name: StatTestName,
  kinds: readonly ColumnKind[],
  compute: (reference: ColumnSample, current: ColumnSample) => number,
): StatTest {
  const defaultThreshold = 0.1;
  return {
    name,
    scoreKind: "distance",
    defaultThreshold,
    kinds,
    run(reference, current, threshold = defaultThreshold): StatTestResult {
      nonEmpty(name, reference, current);
      const statistic = compute(reference, current);
      return { test: name, statistic, score: statistic, threshold, drifted: statistic >= threshold };
    },
  };
}

const BOTH: readonly ColumnKind[] = ["numerical", "categorical"];

/**
 * Every test by name. chisquare and z also take numerical samples (compared by value counts), since
 * Evidently's default choice applies them to numerical columns with ≤ 5 values; L∞ is a
 * categorical distance (TFDV's; Evidently has none) and reads a numerical sample by value counts.
 */
export const STAT_TESTS: Record<StatTestName, StatTest> = {
  ks: pValueTest("ks", ["numerical"], true, (r, c) => ksTwoSample(numeric("ks", r), numeric("ks", c))),
  chisquare: pValueTest("chisquare", BOTH, false, (r, c) => chiSquareTest(valueCounts(r), valueCounts(c))),
  z: pValueTest("z", BOTH, false, (r, c) => zTest(valueCounts(r), valueCounts(c), compareKeys)),
  wasserstein: distanceTest("wasserstein", ["numerical"], (r, c) =>
    normedWasserstein(numeric("wasserstein", r), numeric("wasserstein", c)),
  ),
  jensenshannon: distanceTest("jensenshannon", BOTH, (r, c) => {
    const bins = binnedCounts(r, c);
    return jensenShannonDistance(bins.reference, bins.current);
  }),
  psi: distanceTest("psi", BOTH, (r, c) => {
    const bins = binnedCounts(r, c);
    return psi(bins.reference, bins.current);
  }),
  kl_div: distanceTest("kl_div", BOTH, (r, c) => {
    const bins = binnedCounts(r, c);
    return klDivergence(bins.reference, bins.current);
  }),
  linf: distanceTest("linf", ["categorical"], (r, c) => {
    const ref = valueCounts(r);
    const cur = valueCounts(c);
    const keys = [...new Set([...ref.keys(), ...cur.keys()])];
    return lInfinityDistance(
      keys.map((k) => ref.get(k) ?? 0),
      keys.map((k) => cur.get(k) ?? 0),
    );
  }),
};

/**
 * Evidently's default test. `referenceRows` is the reference's non-null row count and
 * `uniqueValues` the distinct non-null values across both sides (see `countUnique`; a limit of 5
 * is enough to decide).
 */
export function defaultStatTest(kind: ColumnKind, referenceRows: number, uniqueValues: number): StatTestName {
  if (referenceRows <= 1000) {
    if (kind === "numerical" && uniqueValues > 5) return "ks";
    return uniqueValues > 2 ? "chisquare" : "z";
  }
  return kind === "numerical" && uniqueValues > 5 ? "wasserstein" : "jensenshannon";
}
