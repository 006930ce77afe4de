/**
 * What the window aggregates of one model version keep per input: the signature (to read logged
 * rows back exactly as a full scan does) and, for numbers, the plot bins of the version's drift
 * reference (so a window's histogram is a sum of bucket histograms).
 */
import type { LogicalType } from "../../../data/table.js";
import type { ModelSignature } from "../../../learn/package/model-package.js";
import { PLOT_BINS } from "../../drift/drift-histogram.js";
import type { DriftReference, ReferenceColumn } from "../../drift/drift-reference.js";

/** One aggregated input. */
export interface FeatureSpec {
  name: string;
  type: LogicalType;
  kind: "numerical" | "categorical";
  /** Numerical inputs: equal-width bin edges over the reference's range, when it has values. */
  edges?: number[];
}

/** The aggregation plan of one model version. */
export interface AggregateSpec {
  signature: ModelSignature;
  /** Every numerical and categorical input, in signature order (timestamps are never tested). */
  features: FeatureSpec[];
}

/** The plan for a version's signature and drift reference (no bins without a reference). */
export function aggregateSpec(signature: ModelSignature, reference?: DriftReference): AggregateSpec {
  const refs = new Map((reference?.columns ?? []).map((c) => [c.name, c]));
  const features: FeatureSpec[] = [];
  for (const input of signature.inputs) {
    const type = input.type as LogicalType;
    if (type === "string" || type === "bool") features.push({ name: input.name, type, kind: "categorical" });
    else if (type === "int" || type === "float") {
      const ref = refs.get(input.name);
      const edges = ref ? referenceEdges(ref) : undefined;
      features.push({ name: input.name, type, kind: "numerical", ...(edges ? { edges } : {}) });
    }
  }
  return { signature, features };
}

/**
 * {@link PLOT_BINS} equal-width bins over a numerical reference column's range (numpy's rule for a
 * single value: [v − 0.5, v + 0.5]); undefined when the column has no finite value.
 */
export function referenceEdges(ref: ReferenceColumn): number[] | undefined {
  if (ref.kind !== "numerical" || ref.min === undefined || ref.max === undefined) return undefined;
  let lo = ref.min;
  let hi = ref.max;
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const step = (hi - lo) / PLOT_BINS;
  return Array.from({ length: PLOT_BINS + 1 }, (_, k) => (k === PLOT_BINS ? hi : lo + k * step));
}

/** The bin of a finite value: -1 below the first edge, `bins` above the last (the last bin is closed). */
export function binOf(edges: readonly number[], v: number): number {
  const bins = edges.length - 1;
  if (v < (edges[0] as number)) return -1;
  if (v > (edges[bins] as number)) return bins;
  let lo = 0;
  let hi = bins - 1;
  // The largest k with edges[k] <= v, at most bins - 1.
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((edges[mid] as number) <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
