/** A {@link PredictionLogStore} for tests: records every write and can fail or block on demand. */
import type {
  FeedbackRecord,
  LabeledScore,
  LabeledScoreQuery,
  PredictionLogStore,
  PredictionQuery,
  PredictionRecord,
} from "../prediction-log-store.js";

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

  /** The SQL store's join, by brute force: the latest feedback referring to each prediction in the window. */
  async listLabeledScores(query: LabeledScoreQuery): Promise<LabeledScore[]> {
    const own = this.predictions.filter((p) => p.deployment === query.deployment);
    const latest = new Map<PredictionRecord, FeedbackRecord>();
    for (const f of this.feedback.filter((f) => f.deployment === query.deployment)) {
      for (const p of targets(own, f)) {
        const seen = latest.get(p);
        if (!seen || f.time > seen.time || (f.time === seen.time && f.id > seen.id)) latest.set(p, f);
      }
    }
    return [...latest]
      .filter(([p]) => p.time >= query.since && (query.until === undefined || p.time < query.until))
      .filter(([p]) => !Number.isNaN(p.score))
      .sort(([a], [b]) => b.time - a.time)
      .slice(0, query.limit ?? 100_000)
      .map(([p, f]) => ({
        variant: p.variant,
        shadow: p.shadow,
        modelName: p.modelName,
        modelVersion: p.modelVersion,
        score: p.score,
        label: p.label,
        outcome: f.outcome,
        time: p.time,
      }));
  }

  async feedbackTargetTimes(records: readonly FeedbackRecord[]): Promise<(number | undefined)[]> {
    return records.map((f) => {
      const own = this.predictions.filter((p) => p.deployment === f.deployment);
      const found = targets(own, f);
      return found.length > 0 ? Math.min(...found.map((p) => p.time)) : undefined;
    });
  }

  async countPredictions(deployment: string): Promise<number> {
    return this.predictions.filter((r) => r.deployment === deployment).length;
  }

  /** Rows passed to appendPredictions so far, failed calls included. */
  get rows(): number {
    return this.calls.reduce((n, c) => n + c.length, 0);
  }
}

/** The predictions a feedback record refers to: its request's row, or the latest with its routing key. */
function targets(predictions: readonly PredictionRecord[], f: FeedbackRecord): PredictionRecord[] {
  if (f.requestId !== undefined) {
    return predictions.filter((p) => p.requestId === f.requestId && p.row === (f.row ?? 0));
  }
  const keyed = predictions.filter((p) => p.routingKey === f.routingKey && p.time <= f.time);
  const last = Math.max(...keyed.map((p) => p.time));
  return keyed.filter((p) => p.time === last);
}

/** A promise and the function that resolves it (to block a store until a test says so). */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
