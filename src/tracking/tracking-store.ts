/**
 * The tracking store contract: experiments, runs, params, metrics, tags, dataset inputs and
 * (MLflow 3) logged models.
 * Every backend (SQLite, PostgreSQL) passes the same contract suite.
 */
import type {
  DatasetInput,
  DatasetSummary,
  Experiment,
  KeyValue,
  Metric,
  MetricWithRunId,
  Run,
  RunInfo,
  RunStatus,
  ViewType,
} from "../core/api/mlflow-entities.js";
import type { Page } from "../core/page.js";
import type { LoggedModelStore } from "./logged-models/logged-model-store.js";

/** A metric as logged (value as a number, NaN and ±Infinity allowed). */
export interface MetricInput {
  key: string;
  value: number;
  timestamp: number;
  step?: number;
  /** MLflow 3: the logged model the metric is about (also recorded as that model's metric). */
  modelId?: string;
  datasetName?: string;
  datasetDigest?: string;
}

export interface SearchQuery {
  filter?: string;
  orderBy?: readonly string[];
  maxResults?: number;
  pageToken?: string;
}

export interface RunSearchQuery extends SearchQuery {
  experimentIds: readonly string[];
  viewType?: ViewType;
}

/** Sampled history of one metric over several runs (MLflow's bulk-interval endpoint). */
export interface BulkIntervalQuery {
  runIds: readonly string[];
  key: string;
  startStep?: number;
  endStep?: number;
  /** Points per run, at most. */
  maxResults: number;
}

/** One plotted point of a downsampled history: the bucket's last point with the bucket's min and max. */
export interface HistoryPoint {
  step: number;
  timestamp: number;
  value: number;
  min: number;
  max: number;
}

/** A metric's history reduced for a chart (see {@link TrackingStore.getMetricHistoryDownsampled}). */
export interface DownsampledHistory {
  /** Points stored for the run and key. */
  totalPoints: number;
  /** False when `points` holds every (finite) stored point. */
  downsampled: boolean;
  /** Ascending by step. */
  points: HistoryPoint[];
}

export interface TrackingStore extends LoggedModelStore {
  createExperiment(input: { name: string; artifactLocation?: string; tags?: KeyValue[] }): Promise<string>;
  getExperiment(experimentId: string): Promise<Experiment>;
  /** Undefined when no experiment has that name. */
  getExperimentByName(name: string): Promise<Experiment | undefined>;
  searchExperiments(query: SearchQuery & { viewType?: ViewType }): Promise<Page<Experiment>>;
  renameExperiment(experimentId: string, newName: string): Promise<void>;
  deleteExperiment(experimentId: string): Promise<void>;
  restoreExperiment(experimentId: string): Promise<void>;
  setExperimentTag(experimentId: string, key: string, value: string): Promise<void>;
  deleteExperimentTag(experimentId: string, key: string): Promise<void>;

  createRun(input: {
    experimentId: string;
    userId?: string;
    runName?: string;
    startTime?: number;
    tags?: KeyValue[];
  }): Promise<Run>;
  updateRun(runId: string, update: { status?: RunStatus; endTime?: number; runName?: string }): Promise<RunInfo>;
  deleteRun(runId: string): Promise<void>;
  restoreRun(runId: string): Promise<void>;
  getRun(runId: string): Promise<Run>;
  searchRuns(query: RunSearchQuery): Promise<Page<Run>>;

  /** Metrics append; params are write-once; tags are last-write-wins. All or nothing. */
  logBatch(runId: string, batch: { metrics?: MetricInput[]; params?: KeyValue[]; tags?: KeyValue[] }): Promise<void>;
  deleteTag(runId: string, key: string): Promise<void>;
  logInputs(runId: string, inputs: DatasetInput[]): Promise<void>;
  /** Append an MLmodel (as JSON) to the run's `mlflow.log-model.history` tag. */
  logModel(runId: string, modelJson: string): Promise<void>;

  /** One page of a metric's history in (step, timestamp) order. */
  getMetricHistory(runId: string, key: string, page: { maxResults: number; pageToken?: string }): Promise<Page<Metric>>;
  getMetricHistoryBulkInterval(query: BulkIntervalQuery): Promise<MetricWithRunId[]>;
  /**
   * A metric's history in at most `maxPoints` step buckets (each its last point with min and max);
   * every point when there are no more. RESOURCE_DOES_NOT_EXIST for an unknown run.
   */
  getMetricHistoryDownsampled(runId: string, key: string, maxPoints: number): Promise<DownsampledHistory>;
  searchDatasets(experimentIds: readonly string[]): Promise<DatasetSummary[]>;
}
