/** The realized-performance fields of a monitor result, for the model version's kind. */
import type { LabeledScore } from "../../serving/prediction-log/prediction-log-store.js";
import type { ModelFacts } from "./model-facts.js";
import type { MonitorConfig, MonitorResult } from "./monitor.js";
import { performanceFields, realizedOptions } from "./monitor-result-parts.js";
import { realizedForKind } from "./realized-kinds.js";
import { realizedPerformance } from "./realized-performance.js";

type RealizedFields = Pick<
  MonitorResult,
  | "labelledRows"
  | "realizedAuc"
  | "realizedLogLoss"
  | "calibrationError"
  | "trainingAuc"
  | "trainingLogLoss"
  | "realized"
  | "conceptDrift"
>;

/**
 * Binary models: AUC, log loss and calibration error against the training AUC and log loss;
 * regression: RMSE and MAE against the training RMSE; multiclass: the accuracy of the logged top
 * class against the training accuracy. Notes say why a verdict was not reached.
 */
export function realizedPart(
  labels: readonly LabeledScore[],
  facts: ModelFacts,
  config: MonitorConfig,
  notes: string[],
): RealizedFields {
  const kind = facts.signature.task;
  if (kind !== "binary") {
    const r = realizedForKind(kind, labels, {
      minLabels: config.minLabels,
      rmseMargin: config.rmseMargin,
      accuracyMargin: config.accuracyMargin,
      trainingRmse: facts.trainingRmse,
      trainingAccuracy: facts.trainingAccuracy,
    });
    notes.push(...r.notes);
    return {
      labelledRows: r.labelled,
      realizedAuc: null,
      realizedLogLoss: null,
      calibrationError: null,
      trainingAuc: null,
      trainingLogLoss: null,
      realized: r.realized,
      conceptDrift: r.conceptDrift,
    };
  }
  const perf = realizedPerformance(labels, realizedOptions(config, facts));
  notes.push(...perf.notes);
  return performanceFields(perf, facts);
}
