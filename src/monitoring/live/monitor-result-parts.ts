/** Pieces every monitor result is built from: the empty result, the version's facts, realized performance. */
import { randomUUID } from "node:crypto";
import type { ModelFacts, ModelFactsCache } from "./model-facts.js";
import type { MonitorConfig, MonitorResult } from "./monitor.js";

/** A version's facts, or why they cannot be read. */
export async function factsOf(
  name: string,
  version: string,
  deps: { facts: Pick<ModelFactsCache, "get"> },
  reference?: MonitorConfig["reference"],
): Promise<{ facts: ModelFacts } | { error: string }> {
  try {
    return { facts: await deps.facts.get(name, version, reference) };
  } catch (e) {
    return { error: `cannot read model ${name}/${version}: ${(e as Error).message}` };
  }
}

/** The options realized performance is judged with. */
export function realizedOptions(config: MonitorConfig, facts: ModelFacts) {
  return {
    minLabels: config.minLabels,
    aucMargin: config.aucMargin,
    logLossMargin: config.logLossMargin,
    trainingAuc: facts.trainingAuc,
    trainingLogLoss: facts.trainingLogLoss,
    ...(facts.signature.positive_class !== undefined ? { positiveClass: facts.signature.positive_class } : {}),
  };
}

/** Realized binary performance as judged by `realizedPerformance`. */
interface JudgedPerformance {
  labelled: number;
  auc: number | null;
  logLoss: number | null;
  calibrationError: number | null;
  conceptDrift: boolean | null;
  notes: string[];
}

/** A result's realized-performance fields from a judged performance and the version's training figures. */
export function performanceFields(perf: JudgedPerformance, facts: ModelFacts) {
  return {
    labelledRows: perf.labelled,
    realizedAuc: perf.auc,
    realizedLogLoss: perf.logLoss,
    calibrationError: perf.calibrationError,
    trainingAuc: facts.trainingAuc,
    trainingLogLoss: facts.trainingLogLoss,
    conceptDrift: perf.conceptDrift,
  };
}

/** A result with its realized-performance fields. */
export function withPerformance(out: MonitorResult, perf: JudgedPerformance, facts: ModelFacts): MonitorResult {
  out.notes.push(...perf.notes);
  return { ...out, ...performanceFields(perf, facts) };
}

/** A result with nothing measured. */
export function emptyResult(deployment: string, now: number, window: { start: number; end: number }): MonitorResult {
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
