/**
 * One run of a deployment's monitor: the window of the primary's answered predictions, and for
 * each model version served in it, its inputs against the version's drift reference and its
 * labelled predictions against its training metrics. A time window is a merge of the window
 * aggregates' buckets (cost: the buckets, not the rows); a "last N rows" window reads its rows,
 * starting where the aggregates' counts say the last N begin.
 */
import type { Clock } from "../../core/clock.js";
import { seededRandom } from "../../core/random.js";
import type { Pace } from "../../core/threads/pacer.js";
import type { PredictionLogStore } from "../../serving/prediction-log/prediction-log-store.js";
import type { ModelFacts, ModelFactsCache } from "./model-facts.js";
import type { MonitorConfig, MonitorResult } from "./monitor.js";
import { monitorDrift } from "./monitor-drift.js";
import { emptyResult, factsOf, realizedOptions, withPerformance } from "./monitor-result-parts.js";
import { realizedPart } from "./realized-part.js";
import { rowsWindowResults } from "./rows-window-job.js";
import type { VersionWindow } from "./windows/bucket-window.js";
import { alignedStart, readBucketWindow } from "./windows/bucket-window.js";
import { versionKey } from "./windows/label-bucket.js";
import { windowRealized } from "./windows/window-realized.js";
import type { WindowStore } from "./windows/window-store.js";
import { HOUR_MS } from "./windows/window-store.js";

export interface MonitorJobDeps {
  predictions: PredictionLogStore;
  windows: WindowStore;
  facts: Pick<ModelFactsCache, "get">;
  clock: Clock;
  /** Most rows the numerical tests read (default 50,000; a stratified sample of the window beyond it). */
  maxRows?: number;
  /** Most labelled scores the AUC reads (default 200,000). */
  maxLabels?: number;
  /** How long minute buckets are kept (default 3 days; older window starts align to the hour). */
  minuteRetentionMs?: number;
  /** Called between stretches of work: gives way to serving (see Pacer). */
  pace?: Pace;
}

const DEFAULT_MAX_ROWS = 50_000;
const DEFAULT_MAX_LABELS = 200_000;
const DEFAULT_MINUTE_RETENTION_MS = 3 * 86_400_000;

/** The results of one run: one per model version in the window, or one saying the window is empty. */
export async function runMonitorJob(config: MonitorConfig, deps: MonitorJobDeps): Promise<MonitorResult[]> {
  const now = deps.clock.now();
  if (config.window.kind === "rows") return rowsWindowResults(config, deps, now);
  const retention = deps.minuteRetentionMs ?? DEFAULT_MINUTE_RETENTION_MS;
  // An hour's margin before the aggregator's own floor: minute buckets near it may be pruned.
  const start = alignedStart(now, config.window.ms, now - retention + HOUR_MS);
  // Seeded by the window, so a rerun over the same buckets draws the same samples.
  const window = await readBucketWindow(deps.windows, config.deployment, start, now + 1, {
    maxRows: deps.maxRows ?? DEFAULT_MAX_ROWS,
    maxLabels: deps.maxLabels ?? DEFAULT_MAX_LABELS,
    random: seededRandom(start),
    ...(deps.pace ? { pace: deps.pace } : {}),
  });
  const versions = [...window.versions.values()].filter((v) => v.rows > 0);
  if (versions.length === 0) {
    const iso = (t: number) => new Date(t).toISOString();
    const note = `empty window: no predictions of the primary from ${iso(window.start)} to ${iso(window.end)}`;
    return [{ ...emptyResult(config.deployment, now, window), notes: [note] }];
  }
  const results: MonitorResult[] = [];
  for (const v of versions) results.push(await bucketVersionResult(config, window, now, v, deps));
  return results;
}

/** A result that records a failed run. */
export function failedResult(deployment: string, now: number, error: string): MonitorResult {
  return { ...emptyResult(deployment, now, { start: now, end: now + 1 }), error };
}

async function bucketVersionResult(
  config: MonitorConfig,
  window: { start: number; end: number },
  now: number,
  v: VersionWindow,
  deps: MonitorJobDeps,
): Promise<MonitorResult> {
  const base: MonitorResult = {
    ...emptyResult(config.deployment, now, window),
    modelName: v.modelName,
    modelVersion: v.modelVersion,
    rows: v.rows,
    labelledRows: v.labelled,
  };
  const facts = await factsOf(v.modelName, v.modelVersion, deps, config.reference);
  if ("error" in facts) return { ...base, error: facts.error };
  const sample = v.sample;
  if (sample.size.size < sample.size.total) {
    base.notes.push(
      `numerical inputs were tested on a stratified sample of ${sample.size.size} of the window's ` +
        `${sample.size.total} predictions (in proportion to each time bucket); counts, categories and histograms cover every row`,
    );
  }
  if (v.badCells > 0) base.notes.push(`${v.badCells} logged input values could not be read back and count as missing`);
  const partial = [...v.features].filter(([, s]) => s.rows < v.rows).map(([name]) => name);
  if (partial.length > 0) {
    base.notes.push(
      `statistics of ${partial.join(", ")} cover fewer rows than the window holds (the model's signature could not be read when some were logged)`,
    );
  }
  const current = { rows: v.rows, stats: v.features, values: (name: string) => sample.columns.get(name) };
  const out = { ...base, ...monitorDrift(facts.facts, current, config, base.notes) };
  await deps.pace?.();
  if (facts.facts.signature.task !== "binary") return kindRealized(config, window, v, out, facts.facts, deps);
  const perf = windowRealized(v, realizedOptions(config, facts.facts));
  if (perf.aucSample) {
    out.notes.push(
      `the AUC was computed on a stratified sample of ${perf.aucSample.size} of ${perf.aucSample.total} labelled predictions`,
    );
  }
  return withPerformance(out, perf, facts.facts);
}

/**
 * Regression and multiclass versions: realized metrics from the window's labelled predictions read
 * from the log (label buckets keep binary sums only), at most `maxLabels` of them, newest first.
 */
async function kindRealized(
  config: MonitorConfig,
  window: { start: number; end: number },
  v: VersionWindow,
  out: MonitorResult,
  facts: ModelFacts,
  deps: MonitorJobDeps,
): Promise<MonitorResult> {
  const limit = deps.maxLabels ?? DEFAULT_MAX_LABELS;
  const read = await deps.predictions.listLabeledScores({
    deployment: config.deployment,
    since: window.start,
    until: window.end,
    limit,
  });
  const key = versionKey(v.modelName, v.modelVersion);
  const labels = read.filter(
    (l) => l.variant === "primary" && !l.shadow && versionKey(l.modelName, l.modelVersion) === key,
  );
  if (read.length >= limit) out.notes.push(`only the ${limit} newest labelled predictions of the window were read`);
  return { ...out, ...realizedPart(labels, facts, config, out.notes) };
}
