/** A {@link PredictionLogStore} for tests: records every write and can fail or block on demand. */
import type { FeedbackRecord, PredictionLogStore, PredictionQuery, PredictionRecord } from "../prediction-log-store.js";

export class FakePredictionLogStore implements PredictionLogStore {
  /** Every appendPredictions call, failed ones included, in order. */
  calls: PredictionRecord[][] = [];
  /** Predictions of the calls that succeeded. */
  predictions: PredictionRecord[] = [];
  feedback: FeedbackRecord[] = [];
  /** How many of the next prediction writes fail. */
  failures = 0;
  /** While set, prediction writes wait for it. */
  gate: Promise<void> | undefined;

  async appendPredictions(records: readonly PredictionRecord[]): Promise<void> {
    this.calls.push([...records]);
    if (this.gate) await this.gate;
    if (this.failures > 0) {
      this.failures--;
      throw new Error("store unavailable");
    }
    this.predictions.push(...records);
  }

  async appendFeedback(records: readonly FeedbackRecord[]): Promise<void> {
    this.feedback.push(...records);
  }

  async listPredictions(query: PredictionQuery): Promise<PredictionRecord[]> {
    return this.predictions
      .filter(
        (r) =>
          r.deployment === query.deployment &&
          (query.since === undefined || r.time >= query.since) &&
          (query.until === undefined || r.time < query.until) &&
          (query.variant === undefined || r.variant === query.variant),
      )
      .sort((a, b) => a.time - b.time)
      .slice(0, query.limit ?? 10_000);
  }

  async listFeedback(query: { deployment: string; since?: number; limit?: number }): Promise<FeedbackRecord[]> {
    return this.feedback
      .filter((f) => f.deployment === query.deployment && (query.since === undefined || f.time >= query.since))
      .sort((a, b) => a.time - b.time)
      .slice(0, query.limit ?? 10_000);
  }

  async countPredictions(deployment: string): Promise<number> {
    return this.predictions.filter((r) => r.deployment === deployment).length;
  }

  /** Rows passed to appendPredictions so far, failed calls included. */
  get rows(): number {
    return this.calls.reduce((n, c) => n + c.length, 0);
  }
}

/** A promise and the function that resolves it (to block a store until a test says so). */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
