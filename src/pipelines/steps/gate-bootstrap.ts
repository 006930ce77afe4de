/**
 * The paired bootstrap of (challenger − champion) over a gate metric. A resample is a vector of row
 * multiplicities, so each model's metric is prepared once (e.g. rows sorted by score) and every
 * resample costs O(n) instead of a sort.
 */
import { seededRandom } from "../../core/random.js";
import type { GateMetric, WeightedMetric } from "./gate-metrics.js";
import { lowerIsBetter } from "./gate-metrics.js";

/** Settings of a paired bootstrap. */
export interface BootstrapOptions {
  samples: number;
  /** Two-sided confidence level in (0, 1), e.g. 0.95. */
  confidence: number;
  seed: number;
}

/** A percentile confidence interval of the improvement (positive = challenger better). */
export interface BootstrapInterval {
  lower: number;
  upper: number;
  confidence: number;
  samples: number;
  /** Resamples where the metric was defined for both models (the rest are left out). */
  valid_samples: number;
  seed: number;
}

/**
 * Paired bootstrap over `rows` evaluation rows: resample rows with replacement, compute the metric
 * for both models on the same resample, and take percentiles of the improvement (challenger −
 * champion, negated when lower is better). Null when no resample had the metric defined.
 */
export function pairedBootstrap(
  metric: GateMetric,
  rows: number,
  challenger: WeightedMetric,
  champion: WeightedMetric,
  options: BootstrapOptions,
): BootstrapInterval | null {
  const sign = lowerIsBetter(metric) ? -1 : 1;
  const random = seededRandom(options.seed);
  const weights = new Uint32Array(rows);
  const diffs: number[] = [];
  for (let s = 0; s < options.samples; s++) {
    weights.fill(0);
    for (let k = 0; k < rows; k++) (weights[Math.floor(random() * rows)] as number)++;
    const a = challenger(weights);
    const b = champion(weights);
    if (a !== null && b !== null) diffs.push(sign * (a - b));
  }
  if (diffs.length === 0) return null;
  diffs.sort((x, y) => x - y);
  const alpha = (1 - options.confidence) / 2;
  return {
    lower: quantile(diffs, alpha),
    upper: quantile(diffs, 1 - alpha),
    confidence: options.confidence,
    samples: options.samples,
    valid_samples: diffs.length,
    seed: options.seed,
  };
}

/** Linear-interpolation quantile of sorted values (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  return a + ((sorted[hi] as number) - a) * (pos - lo);
}
