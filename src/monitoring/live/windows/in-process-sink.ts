/** The window sink that aggregates on the calling thread (tests, in-memory stores, the CLI). */
import type { FeedbackRecord, PredictionRecord } from "../../../serving/prediction-log/prediction-log-store.js";
import type { ModelFactsCache } from "../model-facts.js";
import type { AggregateSpec } from "./aggregate-spec.js";
import { aggregateSpec } from "./aggregate-spec.js";
import type { WindowSink } from "./aggregating-log-store.js";
import type { LoggedRow } from "./bucket-accumulator.js";
import type { WindowAggregator } from "./window-aggregator.js";

/** The rows monitors look at (the primary's answers, no shadow copies), as the aggregator takes them. */
export function monitoredRows(records: readonly PredictionRecord[]): LoggedRow[] {
  const out: LoggedRow[] = [];
  for (const r of records) {
    if (r.variant !== "primary" || r.shadow) continue;
    out.push({
      deployment: r.deployment,
      modelName: r.modelName,
      modelVersion: r.modelVersion,
      time: r.time,
      inputs: r.inputs,
    });
  }
  return out;
}

/** A version's aggregation plan from the facts a monitor uses (signature, drift reference). */
export function specsFromFacts(
  facts: Pick<ModelFactsCache, "get">,
): (name: string, version: string) => Promise<AggregateSpec> {
  return async (name, version) => {
    const f = await facts.get(name, version);
    return aggregateSpec(f.signature, f.reference);
  };
}

/** Hands rows and feedback straight to an aggregator. */
export class InProcessWindowSink implements WindowSink {
  constructor(private readonly aggregator: WindowAggregator) {}

  addPredictions(records: readonly PredictionRecord[]): void {
    const rows = monitoredRows(records);
    if (rows.length > 0) this.aggregator.addRows(rows);
  }

  addFeedback(records: readonly FeedbackRecord[]): void {
    this.aggregator.addFeedback(records);
  }

  drain(): Promise<void> {
    return this.aggregator.drain();
  }

  close(): Promise<void> {
    return this.aggregator.close();
  }
}
