/**
 * The `performance_drop` rule's reading of one result, for each model kind: binary realized AUC
 * against training AUC − auc_margin, regression realized RMSE against training RMSE × (1 +
 * rmse_margin), multiclass accuracy against training accuracy − accuracy_margin.
 */
import type { MonitorConfig, MonitorResult } from "../live/monitor.js";

/** One result's realized metric against its limit; `excess` > 0 when the limit is crossed (for picking the worst). */
export interface PerformanceReading {
  result: MonitorResult;
  value: number;
  threshold: number;
  holds: boolean;
  excess: number;
  /** What was compared, e.g. `realized RMSE 1.3 on 120 labels`. */
  what: string;
  /** The limit, e.g. `training 1 × (1 + 0.2)`. */
  limit: string;
}

/** The reading of a result whose realized performance was judged, else undefined. */
export function performanceReading(r: MonitorResult, config: MonitorConfig): PerformanceReading | undefined {
  if (r.conceptDrift === null) return undefined;
  const on = `on ${r.labelledRows} labels`;
  const k = r.realized;
  if (k?.kind === "regression") {
    if (k.rmse === null || k.trainingRmse === null) return undefined;
    const threshold = k.trainingRmse * (1 + config.rmseMargin);
    return reading(
      r,
      k.rmse,
      threshold,
      k.rmse > threshold,
      k.rmse / threshold - 1,
      `realized RMSE ${fmt(k.rmse)} ${on}`,
      `training ${fmt(k.trainingRmse)} × (1 + ${config.rmseMargin})`,
    );
  }
  if (k?.kind === "multiclass") {
    if (k.accuracy === null || k.trainingAccuracy === null) return undefined;
    const threshold = k.trainingAccuracy - config.accuracyMargin;
    return reading(
      r,
      k.accuracy,
      threshold,
      k.accuracy < threshold,
      threshold - k.accuracy,
      `realized accuracy ${fmt(k.accuracy)} ${on}`,
      `training ${fmt(k.trainingAccuracy)} − ${config.accuracyMargin}`,
    );
  }
  if (r.realizedAuc === null || r.trainingAuc === null) return undefined;
  const threshold = r.trainingAuc - config.aucMargin;
  const auc = r.realizedAuc;
  return reading(
    r,
    auc,
    threshold,
    auc < threshold,
    threshold - auc,
    `realized AUC ${fmt(auc)} ${on}`,
    `training ${fmt(r.trainingAuc)} − ${config.aucMargin}`,
  );
}

function reading(
  result: MonitorResult,
  value: number,
  threshold: number,
  holds: boolean,
  excess: number,
  what: string,
  limit: string,
): PerformanceReading {
  return { result, value, threshold, holds, excess, what, limit };
}

/** Three significant digits. */
export function fmt(x: number): string {
  return Number.isFinite(x) ? String(Number(x.toPrecision(3))) : String(x);
}
