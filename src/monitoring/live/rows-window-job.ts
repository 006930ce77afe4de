/**
 * A monitor run over a "last N rows" window (N ≤ 200,000): the rows themselves, read from where
 * the window aggregates' counts say they begin, and every label of their time span.
 */
import type { LabeledScore, PredictionRecord } from "../../serving/prediction-log/prediction-log-store.js";
import { tableFromLogged } from "./logged-table.js";
import type { MonitorConfig, MonitorResult } from "./monitor.js";
import { monitorDrift } from "./monitor-drift.js";
import type { MonitorJobDeps } from "./monitor-job.js";
import { emptyResult, factsOf } from "./monitor-result-parts.js";
import { realizedPart } from "./realized-part.js";
import type { WindowRows } from "./window-reader.js";
import { readWindow } from "./window-reader.js";
import { aggregateSpec } from "./windows/aggregate-spec.js";
import type { FeatureStats } from "./windows/feature-stats.js";
import { addCell, emptyStats, finiteAt } from "./windows/feature-stats.js";
import { versionKey } from "./windows/label-bucket.js";
import { lastRowsFloor } from "./windows/rows-floor.js";

/** Labels read per row of the window at most (a request's other variants share its rows' labels). */
const LABELS_PER_ROW = 4;

/** The results of a "last N rows" run. */
export async function rowsWindowResults(
  config: MonitorConfig,
  deps: MonitorJobDeps,
  now: number,
): Promise<MonitorResult[]> {
  if (config.window.kind !== "rows") throw new TypeError("not a rows window");
  const n = config.window.rows;
  const floor = await lastRowsFloor(deps.windows, config.deployment, n, now + 1);
  const window = await readWindow(deps.predictions, config.deployment, config.window, now, { maxRows: n, floor });
  if (window.rows.length === 0) {
    return [
      {
        ...emptyResult(config.deployment, now, window),
        notes: ["empty window: the primary has logged no predictions yet"],
      },
    ];
  }
  await deps.pace?.();
  const limit = n * LABELS_PER_ROW + 1000;
  const labelled = await deps.predictions.listLabeledScores({
    deployment: config.deployment,
    since: window.start,
    until: window.end,
    limit,
  });
  const results: MonitorResult[] = [];
  for (const [key, rows] of groupByVersion(window.rows)) {
    const labels = labelled.filter(
      (l) => l.variant === "primary" && !l.shadow && versionKey(l.modelName, l.modelVersion) === key,
    );
    await deps.pace?.();
    const r = await resultFromRows(config, window, now, rows, labels, deps);
    if (labelled.length >= limit) r.notes.push(`only the ${limit} newest labelled predictions of the window were read`);
    results.push(r);
  }
  return results;
}

/**
 * One version's result from every row of a window and its labels (the full scan a time window's
 * merged buckets must equal).
 */
export async function resultFromRows(
  config: MonitorConfig,
  window: WindowRows,
  now: number,
  rows: PredictionRecord[],
  labels: LabeledScore[],
  deps: Pick<MonitorJobDeps, "facts">,
): Promise<MonitorResult> {
  const first = rows[0] as PredictionRecord;
  const base: MonitorResult = {
    ...emptyResult(config.deployment, now, window),
    modelName: first.modelName,
    modelVersion: first.modelVersion,
    rows: rows.length,
    labelledRows: labels.length,
  };
  const facts = await factsOf(first.modelName, first.modelVersion, deps, config.reference);
  if ("error" in facts) return { ...base, error: facts.error };
  const { table, badCells } = tableFromLogged(
    rows.map((r) => r.inputs),
    facts.facts.signature,
  );
  if (badCells > 0) base.notes.push(`${badCells} logged input values could not be read back and count as missing`);
  // The same statistics the window aggregates keep, over these rows.
  const spec = aggregateSpec(facts.facts.signature, facts.facts.reference);
  const stats = new Map<string, FeatureStats>();
  const values = new Map<string, Float64Array>();
  for (const f of spec.features) {
    const c = table.column(f.name);
    if (!c) continue;
    const s = emptyStats(f);
    for (let i = 0; i < table.numRows; i++) addCell(s, c, i);
    stats.set(f.name, s);
    if (f.kind === "numerical")
      values.set(
        f.name,
        Float64Array.from({ length: table.numRows }, (_, i) => finiteAt(c, i) ?? Number.NaN),
      );
  }
  const current = { rows: rows.length, stats, values: (name: string) => values.get(name) };
  const out = { ...base, ...monitorDrift(facts.facts, current, config, base.notes) };
  return { ...out, ...realizedPart(labels, facts.facts, config, out.notes) };
}

function groupByVersion(rows: readonly PredictionRecord[]): Map<string, PredictionRecord[]> {
  const groups = new Map<string, PredictionRecord[]>();
  for (const r of rows) {
    const key = versionKey(r.modelName, r.modelVersion);
    let g = groups.get(key);
    if (!g) {
      g = [];
      groups.set(key, g);
    }
    g.push(r);
  }
  return groups;
}
