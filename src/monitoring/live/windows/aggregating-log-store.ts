/**
 * A prediction log that also feeds the window aggregates: once rows or feedback are stored (the
 * logger's batch path, after the response), they are handed to a {@link WindowSink}. Reads go to
 * the log unchanged.
 */
import type {
  FeedbackRecord,
  LabeledScore,
  LabeledScoreQuery,
  PredictionLogStore,
  PredictionQuery,
  PredictionRecord,
} from "../../../serving/prediction-log/prediction-log-store.js";

/** Where stored rows and feedback go to be aggregated (a worker thread, or an in-process aggregator). */
export interface WindowSink {
  /** Rows just stored (the sink keeps the primaries' answered rows). */
  addPredictions(records: readonly PredictionRecord[]): void;
  addFeedback(records: readonly FeedbackRecord[]): void;
  /** Write everything handed over so far (labels included). */
  drain(): Promise<void>;
  /** Resolves once the sink may be handed rows (it decides first which earlier rows it builds from the log). */
  ready?(): Promise<void>;
  close(): Promise<void>;
}

/** {@link PredictionLogStore} plus aggregation of what it stores. */
export class AggregatingLogStore implements PredictionLogStore {
  constructor(
    private readonly log: PredictionLogStore,
    readonly sink: WindowSink,
  ) {}

  async appendPredictions(records: readonly PredictionRecord[]): Promise<void> {
    // Rows of this process reach the log only after the backfill's bounds are fixed: what the log
    // held before is the backfill's, what comes now is the live path's (see WindowBackfill).
    await this.sink.ready?.();
    await this.log.appendPredictions(records);
    this.sink.addPredictions(records);
  }

  async appendFeedback(records: readonly FeedbackRecord[]): Promise<void> {
    await this.log.appendFeedback(records);
    this.sink.addFeedback(records);
  }

  listPredictions(query: PredictionQuery): Promise<PredictionRecord[]> {
    return this.log.listPredictions(query);
  }

  listFeedback(query: { deployment: string; since?: number; limit?: number }): Promise<FeedbackRecord[]> {
    return this.log.listFeedback(query);
  }

  listLabeledScores(query: LabeledScoreQuery): Promise<LabeledScore[]> {
    return this.log.listLabeledScores(query);
  }

  feedbackTargetTimes(records: readonly FeedbackRecord[]): Promise<(number | undefined)[]> {
    return this.log.feedbackTargetTimes(records);
  }

  countPredictions(deployment: string): Promise<number> {
    return this.log.countPredictions(deployment);
  }

  /** Aggregate what is left, then close the log. */
  async close(): Promise<void> {
    await this.sink.close();
    await this.log.close?.();
  }
}
