/** The prediction log and label feedback: append-only records in the metadata database. */

/** One scored row. */
export interface PredictionRecord {
  deployment: string;
  requestId: string;
  /** The row's index in its request. */
  row: number;
  variant: "primary" | "candidate";
  /** True for a shadow copy: scored and logged, never returned. */
  shadow: boolean;
  modelName: string;
  modelVersion: string;
  routingKey?: string;
  /** The row's inputs as a JSON object text (`{"tenure": 12, "Contract": "Month-to-month", ...}`). */
  inputs: string;
  /** P(positive class) (binary), the value (regression) or the top class's probability (multiclass); NaN when not scorable. */
  score: number;
  /** The label at the model's threshold (binary), the value as text (regression) or the top class (multiclass). */
  label: string;
  /** When the request arrived (ms since the epoch). */
  time: number;
  /** Time spent answering the request, in milliseconds. */
  latencyMs: number;
}

/** An outcome that arrived after the prediction (a label for monitoring). */
export interface FeedbackRecord {
  id: string;
  deployment: string;
  /** The request it belongs to (with `row`, default 0), or ... */
  requestId?: string;
  row?: number;
  /** ... the routing key of the customer it belongs to (the latest prediction for that key). */
  routingKey?: string;
  /** The actual outcome as given (a class name such as `Yes`, or a number). */
  outcome: string;
  time: number;
}

export interface PredictionQuery {
  deployment: string;
  /** Inclusive lower bound on `time`. */
  since?: number;
  /** Exclusive upper bound on `time`. */
  until?: number;
  variant?: "primary" | "candidate";
  /** Most records, oldest first (default 10,000). */
  limit?: number;
}

/** A scored prediction joined with the outcome that arrived for it (for label-based checks such as AUC). */
export interface LabeledScore {
  variant: "primary" | "candidate";
  shadow: boolean;
  modelName: string;
  modelVersion: string;
  score: number;
  /** The prediction's logged label (multiclass: the top class, compared with the outcome for accuracy). */
  label: string;
  /** The feedback's outcome as given (the latest feedback when several refer to the prediction). */
  outcome: string;
  /** When the prediction's request arrived. */
  time: number;
}

export interface LabeledScoreQuery {
  deployment: string;
  /** Inclusive lower bound on the prediction's `time`. */
  since: number;
  /** Exclusive upper bound on the prediction's `time`. */
  until?: number;
  /** Most rows, newest first (default 100,000). */
  limit?: number;
}

export interface PredictionLogStore {
  /** Append scored rows in one transaction. */
  appendPredictions(records: readonly PredictionRecord[]): Promise<void>;
  /** Append feedback in one transaction. */
  appendFeedback(records: readonly FeedbackRecord[]): Promise<void>;
  /** Logged predictions, oldest first. */
  listPredictions(query: PredictionQuery): Promise<PredictionRecord[]>;
  /** Feedback of a deployment, oldest first. */
  listFeedback(query: { deployment: string; since?: number; limit?: number }): Promise<FeedbackRecord[]>;
  /**
   * Predictions in the window that have feedback, with its outcome; rows without a score are left
   * out. Feedback refers to a prediction by request id and row (row 0 when absent), or by routing
   * key: then to the predictions with that key at the latest time at or before the feedback's (all
   * variants of that request, so a shadow copy is labelled with its primary). Newest first.
   */
  listLabeledScores(query: LabeledScoreQuery): Promise<LabeledScore[]>;
  /**
   * When the predictions each feedback record refers to were made (by the rule of
   * {@link listLabeledScores}): its request's row, or the latest prediction with its routing key
   * at or before the feedback's time; undefined while no such prediction is logged.
   */
  feedbackTargetTimes(records: readonly FeedbackRecord[]): Promise<(number | undefined)[]>;
  /** How many predictions a deployment has logged. */
  countPredictions(deployment: string): Promise<number>;
  /** Release what the store holds beyond the platform's connection (e.g. a writer thread). */
  close?(): Promise<void>;
}
