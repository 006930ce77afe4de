/**
 * One run of a deployment's monitor: read the window of the primary's answered predictions, and
 * for each model version served in it compare the logged inputs with the version's drift
 * reference and the labelled predictions with its training metrics (per model kind).
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../core/clock.js";
import type {
  LabeledScore,
  PredictionLogStore,
  PredictionRecord,
} from "../../serving/prediction-log/prediction-log-store.js";
import { computeDrift } from "../drift/compute-drift.js";
import type { DriftReport } from "../drift/drift-types.js";
import { tableFromLogged } from "./logged-table.js";
import type { ModelFacts, ModelFactsCache } from "./model-facts.js";
import type { FeatureDrift, MonitorConfig, MonitorResult } from "./monitor.js";
import { realizedPart } from "./realized-part.js";
import type { WindowRows } from "./window-reader.js";
import { readWindow } from "./window-reader.js";

export interface MonitorJobDeps {
  predictions: PredictionLogStore;
  facts: ModelFactsCache;
  clock: Clock;
  /** Most rows a time window keeps (default 50,000; a seeded sample beyond it). */
  maxRows?: number;
}

const DEFAULT_MAX_ROWS = 50_000;

/** The results of one run: one per model version in the window, or one saying the window is empty. */
export async function runMonitorJob(config: MonitorConfig, deps: MonitorJobDeps): Promise<MonitorResult[]> {
  const now = deps.clock.now();
  const window = await readWindow(deps.predictions, config.deployment, config.window, now, {
    maxRows: deps.maxRows ?? DEFAULT_MAX_ROWS,
  });
  if (window.rows.length === 0) {
    return [{ ...emptyResult(config.deployment, now, window), notes: [emptyNote(config, window)] }];
  }
  const labelled = await deps.predictions.listLabeledScores({
    deployment: config.deployment,
    since: window.start,
    until: window.end,
  });
  const results: MonitorResult[] = [];
  for (const [key, rows] of groupByVersion(window.rows)) {
    const [name, version] = key.split("\u0000") as [string, string];
    const labels = labelled.filter(
      (l) => l.variant === "primary" && !l.shadow && l.modelName === name && l.modelVersion === version,
    );
    results.push(await versionResult(config, window, now, name, version, rows, labels, deps));
  }
  return results;
}

/** A result that records a failed run. */
export function failedResult(deployment: string, now: number, error: string): MonitorResult {
  return { ...emptyResult(deployment, now, { start: now, end: now + 1 }), error };
}

async function versionResult(
  config: MonitorConfig,
  window: WindowRows,
  now: number,
  name: string,
  version: string,
  rows: PredictionRecord[],
  labels: LabeledScore[],
  deps: MonitorJobDeps,
): Promise<MonitorResult> {
  const base: MonitorResult = {
    ...emptyResult(config.deployment, now, window),
    modelName: name,
    modelVersion: version,
    rows: rows.length,
    labelledRows: labels.length,
  };
  if (window.sampledFrom !== undefined) {
    base.notes.push(
      `the window held ${window.sampledFrom} predictions; a uniform sample of ${window.rows.length} was used`,
    );
  }
  let facts: ModelFacts;
  try {
    facts = await deps.facts.get(name, version, config.reference);
  } catch (e) {
    return { ...base, error: `cannot read model ${name}/${version}: ${(e as Error).message}` };
  }
  const out = { ...base, ...driftPart(rows, facts, config, base.notes) };
  return { ...out, ...realizedPart(labels, facts, config, out.notes) };
}

/** The drift fields of a result (nulls and a note when there is no reference). */
function driftPart(
  rows: PredictionRecord[],
  facts: ModelFacts,
  config: MonitorConfig,
  notes: string[],
): Pick<MonitorResult, "datasetDrift" | "shareDrifted" | "features" | "reference"> {
  if (!facts.reference) {
    notes.push(`no reference: drift not computed (${facts.referenceProblem ?? "none found"})`);
    return { datasetDrift: null, shareDrifted: null, features: [] };
  }
  const { table, badCells } = tableFromLogged(
    rows.map((r) => r.inputs),
    facts.signature,
  );
  if (badCells > 0) notes.push(`${badCells} logged input values could not be read back and count as missing`);
  const inputs = new Set(facts.signature.inputs.map((i) => i.name));
  // The model's inputs only: a reference built from training data also holds the label.
  const columns = facts.reference.columns.map((c) => c.name).filter((n) => inputs.has(n));
  const report = computeDrift(facts.reference, table, { driftShare: config.driftShare, columns });
  if (report.columns_checked === 0) {
    // Nothing tested is not "no drift": say why each input was skipped.
    const why = [...new Set(report.columns.map((c) => c.problem).filter((p) => p !== undefined))].join("; ");
    notes.push(`no input could be tested for drift${why ? ` (${why})` : ""}`);
    return { datasetDrift: null, shareDrifted: null, features: featureVerdicts(report) };
  }
  return {
    datasetDrift: report.dataset_drift,
    shareDrifted: report.share_drifted,
    features: featureVerdicts(report),
    ...(facts.referenceSource ? { reference: facts.referenceSource } : {}),
  };
}

function featureVerdicts(report: DriftReport): FeatureDrift[] {
  return report.columns.map((c) => ({
    column: c.column,
    test: c.test,
    score: c.score,
    threshold: c.threshold,
    drifted: c.drifted,
    ...(c.problem ? { problem: c.problem } : {}),
    ...(c.histogram ? { histogram: c.histogram } : {}),
  }));
}

function groupByVersion(rows: readonly PredictionRecord[]): Map<string, PredictionRecord[]> {
  const groups = new Map<string, PredictionRecord[]>();
  for (const r of rows) {
    const key = `${r.modelName}\u0000${r.modelVersion}`;
    let g = groups.get(key);
    if (!g) {
      g = [];
      groups.set(key, g);
    }
    g.push(r);
  }
  return groups;
}

function emptyResult(deployment: string, now: number, window: Pick<WindowRows, "start" | "end">): MonitorResult {
  return {
    id: randomUUID(),
    deployment,
    time: now,
    windowStart: window.start,
    windowEnd: window.end,
    rows: 0,
    labelledRows: 0,
    datasetDrift: null,
    shareDrifted: null,
    features: [],
    realizedAuc: null,
    realizedLogLoss: null,
    calibrationError: null,
    trainingAuc: null,
    trainingLogLoss: null,
    conceptDrift: null,
    notes: [],
  };
}

function emptyNote(config: MonitorConfig, window: WindowRows): string {
  if (config.window.kind === "rows") return "empty window: the primary has logged no predictions yet";
  const iso = (t: number) => new Date(t).toISOString();
  return `empty window: no predictions of the primary from ${iso(window.start)} to ${iso(window.end)}`;
}
