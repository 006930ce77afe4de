/**
 * A pipeline run as MLflow sees it: a run in the experiment `pipeline:<name>`, with one child run
 * per step (`mlflow.parentRunId`), so any MLflow UI shows the steps nested under the pipeline.
 */
import { isMwError } from "../core/errors.js";
import type { TrackingStore } from "../tracking/tracking-store.js";
import type { StepRunStatus } from "./run-store.js";

/** Tracking runs of one pipeline run. */
export class PipelineTracking {
  constructor(
    private readonly tracking: TrackingStore,
    private readonly experimentId: string,
  ) {}

  /** The tracking of pipeline `name` (its experiment created when missing). */
  static async open(tracking: TrackingStore, name: string): Promise<PipelineTracking> {
    const experimentName = `pipeline:${name}`;
    let id = (await tracking.getExperimentByName(experimentName))?.experiment_id;
    if (id === undefined) {
      try {
        id = await tracking.createExperiment({ name: experimentName });
      } catch (e) {
        // Another run created it first.
        if (!isMwError(e) || e.code !== "RESOURCE_ALREADY_EXISTS") throw e;
        id = (await tracking.getExperimentByName(experimentName))?.experiment_id as string;
      }
    }
    return new PipelineTracking(tracking, id);
  }

  /** The pipeline's run, with its params. */
  async startPipeline(pipeline: string, pipelineRunId: string, params: Record<string, unknown>, now: number) {
    const run = await this.tracking.createRun({
      experimentId: this.experimentId,
      runName: `${pipeline}-${pipelineRunId.slice(0, 8)}`,
      startTime: now,
      tags: [
        { key: "modelworks.pipeline", value: pipeline },
        { key: "modelworks.pipeline_run_id", value: pipelineRunId },
      ],
    });
    const list = Object.entries(params).map(([key, value]) => ({ key, value: text(value) }));
    if (list.length > 0) await this.tracking.logBatch(run.info.run_id, { params: list });
    return run.info.run_id;
  }

  /** A step's child run. */
  async startStep(parentRunId: string, pipelineRunId: string, step: string, type: string, now: number) {
    const run = await this.tracking.createRun({
      experimentId: this.experimentId,
      runName: step,
      startTime: now,
      tags: [
        { key: "mlflow.parentRunId", value: parentRunId },
        { key: "modelworks.pipeline_run_id", value: pipelineRunId },
        { key: "modelworks.step", value: step },
        { key: "modelworks.step_type", value: type },
      ],
    });
    return run.info.run_id;
  }

  /** A step's outcome: status and outputs as tags (they change on resume), attempts and duration as metrics. */
  async endStep(
    runId: string,
    o: {
      status: StepRunStatus;
      attempts: number;
      durationMs: number;
      outputs?: Record<string, unknown>;
      cacheKey?: string;
    },
    now: number,
  ) {
    const tags = [
      { key: "modelworks.step_status", value: o.status },
      ...(o.cacheKey ? [{ key: "modelworks.cache_key", value: o.cacheKey }] : []),
      ...Object.entries(o.outputs ?? {}).map(([k, v]) => ({ key: `modelworks.output.${k}`, value: text(v) })),
    ];
    const metrics = [
      { key: "attempts", value: o.attempts, timestamp: now },
      { key: "duration_s", value: o.durationMs / 1000, timestamp: now },
    ];
    await this.tracking.logBatch(runId, { tags, metrics });
    await this.end(runId, o.status === "failed" ? "FAILED" : "FINISHED", now);
  }

  async end(runId: string, status: "FINISHED" | "FAILED" | "KILLED" | "RUNNING", now: number): Promise<void> {
    await this.tracking.updateRun(runId, status === "RUNNING" ? { status } : { status, endTime: now });
  }
}

/** A value as MLflow param/tag text (capped: MLflow refuses long values). */
function text(value: unknown): string {
  const s = typeof value === "string" ? value : (JSON.stringify(value) ?? "null");
  return s.length > 5000 ? `${s.slice(0, 4997)}...` : s;
}
