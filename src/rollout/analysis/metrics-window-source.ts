/**
 * Analysis windows over this process's serving metrics: a window is the difference between the
 * running totals now and when it opened. Exact for one replica and free of any scrape delay; a
 * deployment served by several replicas uses the Prometheus source instead.
 */
import type { Clock } from "../../core/clock.js";
import type { ServingMetrics, VariantTotals } from "../../serving/metrics/serving-metrics.js";
import { bucketDelta } from "./bucket-quantile.js";
import type { VariantWindow } from "./window-checks.js";
import type { AnalysisWindow, CandidateVariant, WindowReading, WindowSource } from "./window-source.js";

/** Windows over a {@link ServingMetrics} registry. */
export class MetricsWindowSource implements WindowSource {
  constructor(
    private readonly metrics: ServingMetrics,
    private readonly clock: Clock,
  ) {}

  async open(deployment: string, candidate: CandidateVariant): Promise<AnalysisWindow> {
    const opened = this.clock.now();
    const start = {
      primary: this.metrics.variantTotals(deployment, "primary"),
      candidate: this.totals(deployment, candidate),
    };
    return {
      read: async (): Promise<WindowReading> => ({
        primary: delta(start.primary, this.metrics.variantTotals(deployment, "primary")),
        candidate: delta(start.candidate, this.totals(deployment, candidate)),
        durationMs: this.clock.now() - opened,
      }),
    };
  }

  private totals(deployment: string, variant: CandidateVariant): VariantTotals {
    return this.metrics.variantTotals(deployment, variant);
  }
}

function delta(before: VariantTotals, after: VariantTotals): VariantWindow {
  return {
    requests: after.requests - before.requests,
    errors: after.errors - before.errors,
    latency: bucketDelta(before.latency, after.latency),
    scores: bucketDelta(before.scores, after.scores),
  };
}
