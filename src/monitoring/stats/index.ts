/** Drift statistics: Evidently's tests with SciPy-exact p-values. Import from here outside `stats/`. */

export type { BinnedCounts } from "./binning.js";
export { binnedCounts, histogram, linspace, sturgesEdges } from "./binning.js";
export { chiSquareTest } from "./chisquare.js";
export { jensenShannonDistance, klDivergence, lInfinityDistance } from "./divergence.js";
export { chi2Sf, gammaQ, normalSf } from "./gamma.js";
export { kstwoSf } from "./kolmogorov.js";
export type { KsResult } from "./ks.js";
export { ksStatistic, ksTwoSample } from "./ks.js";
export { psi } from "./psi.js";
export { defaultStatTest, STAT_TESTS } from "./registry.js";
export {
  categoricalSample,
  countUnique,
  numericSample,
  sampleOf,
  sampleSize,
  sortedSample,
  valueCounts,
} from "./sample.js";
export { radixSortFloat64 } from "./sort.js";
export type * from "./stat-test.js";
export { normedWasserstein, populationStd, wassersteinDistance } from "./wasserstein.js";
export { zTest } from "./z-test.js";
