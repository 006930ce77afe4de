/**
 * The drift part of a monitor result, from a window's current side however it was gathered (every
 * row of a small window, or the merged buckets of a time window): each model input tested against
 * the version's reference by the drift report's rules, Evidently's share rule for the dataset, and
 * plot histograms on the reference's bins (numbers) or the top categories.
 */
import type { LogicalType } from "../../data/table.js";
import type { CurrentSide } from "../drift/column-drift.js";
import { preparedColumnDrift } from "../drift/column-drift.js";
import type { ReferenceColumn } from "../drift/drift-reference.js";
import type { ColumnDrift, ColumnHistogram } from "../drift/drift-types.js";
import { sortedSample } from "../stats/index.js";
import type { ModelFacts } from "./model-facts.js";
import type { FeatureDrift, MonitorConfig, MonitorResult } from "./monitor.js";
import { binOf, referenceEdges } from "./windows/aggregate-spec.js";
import type { FeatureStats, NumericStats } from "./windows/feature-stats.js";

/** The current side of a window: statistics of every row, and the numbers the tests read. */
export interface WindowCurrent {
  rows: number;
  /** Per input (numerical and categorical ones). */
  stats: ReadonlyMap<string, FeatureStats>;
  /** A numerical input's finite values (every row's, or a declared sample's), unsorted. */
  values(name: string): Float64Array | undefined;
}

/** Label under which a bucket's rarest categories were counted. */
export const OTHER_CATEGORIES = "(other values)";

/** The drift fields of a result (nulls and a note when there is no reference). */
export function monitorDrift(
  facts: ModelFacts,
  current: WindowCurrent,
  config: Pick<MonitorConfig, "driftShare">,
  notes: string[],
): Pick<MonitorResult, "datasetDrift" | "shareDrifted" | "features" | "reference"> {
  if (!facts.reference) {
    notes.push(`no reference: drift not computed (${facts.referenceProblem ?? "none found"})`);
    return { datasetDrift: null, shareDrifted: null, features: [] };
  }
  const reference = facts.reference;
  const types = new Map(facts.signature.inputs.map((i) => [i.name, i.type as LogicalType]));
  const refByName = new Map(reference.columns.map((c) => [c.name, c]));
  // The model's inputs only: a reference built from training data also holds the label.
  const columns = reference.columns.map((c) => c.name).filter((n) => types.has(n));
  const rows = { reference: reference.rows, current: current.rows };
  const verdicts = columns.map((name) => {
    const ref = refByName.get(name) as ReferenceColumn;
    const stats = current.stats.get(name);
    const side = currentSide(types.get(name) as LogicalType, stats, current.values(name));
    const d = preparedColumnDrift(name, ref, side, rows, { driftShare: config.driftShare });
    if (stats?.kind === "numerical" && d.histogram) {
      const h = referenceBinned(ref, stats);
      if (h) d.histogram = h;
    }
    return d;
  });
  const tested = verdicts.filter((c) => c.test !== null);
  if (tested.length === 0) {
    // Nothing tested is not "no drift": say why each input was skipped.
    const why = [...new Set(verdicts.map((c) => c.problem).filter((p) => p !== undefined))].join("; ");
    notes.push(`no input could be tested for drift${why ? ` (${why})` : ""}`);
    return { datasetDrift: null, shareDrifted: null, features: verdicts.map(featureVerdict) };
  }
  const share = tested.filter((c) => c.drifted).length / tested.length;
  return {
    datasetDrift: share >= config.driftShare,
    shareDrifted: share,
    features: verdicts.map(featureVerdict),
    ...(facts.referenceSource ? { reference: facts.referenceSource } : {}),
  };
}

/** The tests' view of one input; timestamps (never tested) need no statistics. */
function currentSide(
  type: LogicalType,
  stats: FeatureStats | undefined,
  values: Float64Array | undefined,
): CurrentSide {
  return {
    type,
    nulls: () => stats?.nulls ?? 0,
    sample: (kind) => {
      if (kind === "numerical") return { kind, sorted: sortedSample(values ?? new Float64Array(0)) };
      const counts = new Map(stats?.kind === "categorical" ? stats.counts : []);
      if (stats?.kind === "categorical" && stats.other > 0) counts.set(OTHER_CATEGORIES, stats.other);
      return { kind, counts };
    },
  };
}

/**
 * Reference vs current counts on the reference's bins, with a bin before and after them for
 * current values outside the reference's range; undefined when the reference has no range or the
 * current counts were kept on other bins.
 */
export function referenceBinned(ref: ReferenceColumn, stats: NumericStats): ColumnHistogram | undefined {
  const edges = referenceEdges(ref);
  if (!edges || !stats.edges || !stats.bins || !sameEdges(edges, stats.edges)) return undefined;
  const refCounts = new Array<number>(edges.length - 1).fill(0);
  const sorted = ref.sorted ?? new Float64Array(0);
  for (let i = 0; i < sorted.length; i++) {
    const b = binOf(edges, sorted[i] as number);
    if (b >= 0 && b < refCounts.length) (refCounts[b] as number)++;
  }
  const h: ColumnHistogram = { edges: [...edges], reference: refCounts, current: [...stats.bins] };
  if (stats.below > 0) {
    h.edges?.unshift(stats.min);
    h.reference.unshift(0);
    h.current.unshift(stats.below);
  }
  if (stats.above > 0) {
    h.edges?.push(stats.max);
    h.reference.push(0);
    h.current.push(stats.above);
  }
  return h;
}

function sameEdges(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function featureVerdict(c: ColumnDrift): FeatureDrift {
  return {
    column: c.column,
    test: c.test,
    score: c.score,
    threshold: c.threshold,
    drifted: c.drifted,
    ...(c.problem ? { problem: c.problem } : {}),
    ...(c.histogram ? { histogram: c.histogram } : {}),
  };
}
