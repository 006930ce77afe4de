/**
 * Platform routes the web UI draws from: downsampled metric history, pipeline runs with
 * their DAG and logs, and a deployment's live traffic. The web UI reads these types.
 */
import { s } from "../schema.js";
import { access } from "./access.js";
import { route } from "./route.js";

/** A metric's history reduced for a chart; non-finite values are counted but not plotted. */
export interface MetricHistoryInfo {
  run_id: string;
  key: string;
  total_points: number;
  /** True when `points` is a reduction (per bucket of steps: the last value plus min and max). */
  downsampled: boolean;
  points: { step: number; timestamp: number; value: number; min: number; max: number }[];
}

/** A pipeline run on the wire. */
export interface PipelineRunInfo {
  run_id: string;
  pipeline: string;
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled";
  trigger: string;
  tracking_run_id?: string;
  created_time: number;
  start_time?: number;
  end_time?: number;
  error?: string;
  params: Record<string, unknown>;
}

/** One step of a pipeline run, with its edges in the DAG and whether its cached result was reused. */
export interface PipelineStepInfo {
  step: string;
  type: string;
  needs: string[];
  status: "pending" | "running" | "succeeded" | "failed" | "skipped" | "cached";
  cache: "hit" | "miss" | "off";
  attempts: number;
  tracking_run_id?: string;
  start_time?: number;
  end_time?: number;
  duration_ms?: number;
  error?: string;
  outputs?: Record<string, unknown>;
}

/** One variant's traffic over the window (`p50_ms`/`p99_ms` null without requests). */
export interface VariantTrafficInfo {
  variant: "primary" | "candidate" | "shadow";
  model: string;
  version: string;
  /** Share of traffic routed to it now, 0–100. */
  weight: number;
  requests: number;
  requests_per_second: number;
  /** Non-2xx answers / requests in the window (0 without requests). */
  error_rate: number;
  p50_ms: number | null;
  p99_ms: number | null;
}

/** A deployment's live traffic; `available` is false where this server does not serve it. */
export interface DeploymentTrafficInfo {
  deployment: string;
  window_seconds: number;
  available: boolean;
  variants: VariantTrafficInfo[];
}

/** Metric history for charts: reduced on the server, never every point to the browser. */
export const metricHistoryRoutes = {
  /** `max_points` 2–10000 (default 1000): step buckets, each its last point with min and max. */
  getMetricHistory: route<MetricHistoryInfo>()(
    "GET",
    "/runs/:run_id/metric-history",
    s.object({ run_id: s.string().required(), key: s.string().required(), max_points: s.int64() }),
    access.on("experiment", "read", "run"),
  ),
};

/** Pipeline runs as the UI shows them. */
export const pipelineRunRoutes = {
  /** Newest first; `max_results` 1–1000 (default 100). */
  listPipelineRuns: route<{ runs: PipelineRunInfo[] }>()(
    "GET",
    "/pipelines/runs",
    s.object({ pipeline: s.string(), max_results: s.int64() }),
    access.list("pipeline"),
  ),
  /** A run with its steps in spec order. */
  getPipelineRun: route<{ run: PipelineRunInfo; steps: PipelineStepInfo[] }>()(
    "GET",
    "/pipelines/runs/:run_id",
    s.object({ run_id: s.string().required() }),
    access.on("pipeline", "read", "pipeline_run"),
  ),
  /** The kept tail of a step's log. */
  getPipelineStepLog: route<{ run_id: string; step: string; log: string }>()(
    "GET",
    "/pipelines/runs/:run_id/steps/:step/log",
    s.object({ run_id: s.string().required(), step: s.string().required() }),
    access.on("pipeline", "read", "pipeline_run"),
  ),
  /**
   * Start a pipeline the server runs (`up --pipeline FILE`) with `params` overriding its declared
   * ones; the run is queued or refused by the pipeline's concurrency. 404 when it serves no such pipeline.
   */
  startPipelineRun: route<{ run: PipelineRunInfo }>()(
    "POST",
    "/pipelines/:name/runs",
    s.object({ name: s.string().required(), params: s.any() }),
    access.on("pipeline", "edit", "name"),
  ),
  /** Stop a queued or running run (in whichever process runs it); 400 INVALID_STATE when it has ended. */
  cancelPipelineRun: route<{ run: PipelineRunInfo }>()(
    "POST",
    "/pipelines/runs/:run_id/cancel",
    s.object({ run_id: s.string().required() }),
    access.on("pipeline", "edit", "pipeline_run"),
  ),
};

/** Live traffic of a deployment, from the serving process's metrics. */
export const trafficRoutes = {
  /** `window` 5s–1h (default 60s). */
  getDeploymentTraffic: route<DeploymentTrafficInfo>()(
    "GET",
    "/deployments/:name/traffic",
    s.object({ name: s.string().required(), window: s.string() }),
    access.on("deployment", "read", "name"),
  ),
};
