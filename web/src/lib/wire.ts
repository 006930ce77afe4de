/**
 * Wire shapes of the platform routes the UI reads that are not in the typed SDK tables yet
 * (served under /api/modelworks/v1 by src/server/platform/*). Keep in step with the server.
 */

/** `GET /api/modelworks/v1/runs/:run_id/metric-history?key=K&max_points=N` (default 1000, ≤ 10000). */
export interface MetricHistoryWire {
  run_id: string;
  key: string;
  /** Points stored for this run and key. */
  total_points: number;
  /** True when `points` is a reduction (per bucket of steps: the last value plus min and max). */
  downsampled: boolean;
  /** Ascending by step; at most max_points (each bucket keeps its min and max so spikes survive). */
  points: { step: number; timestamp: number; value: number; min: number; max: number }[];
}

/** `GET /api/modelworks/v1/pipelines/runs?pipeline=NAME&max_results=N` (newest first). */
export interface PipelineRunsWire {
  runs: PipelineRunWire[];
}

export interface PipelineRunWire {
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

/** `GET /api/modelworks/v1/pipelines/runs/:run_id` */
export interface PipelineRunDetailWire {
  run: PipelineRunWire;
  steps: PipelineStepWire[];
}

export interface PipelineStepWire {
  step: string;
  type: string;
  /** Steps this one depends on (the DAG's edges). */
  needs: string[];
  status: "pending" | "running" | "succeeded" | "failed" | "skipped" | "cached";
  /** `hit` (result reused), `miss` (ran with caching on), `off` (cache: false). */
  cache: "hit" | "miss" | "off";
  attempts: number;
  tracking_run_id?: string;
  start_time?: number;
  end_time?: number;
  duration_ms?: number;
  error?: string;
  outputs?: Record<string, unknown>;
}

/** `GET /api/modelworks/v1/pipelines/runs/:run_id/steps/:step/log` (the kept tail of the log). */
export interface StepLogWire {
  run_id: string;
  step: string;
  log: string;
}

/** `GET /api/modelworks/v1/deployments/:name/traffic?window=60s` (live, from the serving process). */
export interface DeploymentTrafficWire {
  deployment: string;
  window_seconds: number;
  /** False when this server does not serve the deployment (e.g. `modelworks server`): no live numbers. */
  available: boolean;
  variants: {
    variant: "primary" | "candidate" | "shadow";
    model: string;
    version: string;
    /** Share of traffic routed to it now, 0–100. */
    weight: number;
    requests: number;
    requests_per_second: number;
    /** Non-2xx answers / requests in the window (0 when no requests). */
    error_rate: number;
    p50_ms: number | null;
    p99_ms: number | null;
  }[];
}
