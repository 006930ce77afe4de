/** Handlers of the pipeline run routes: runs, their steps as a DAG, and step logs. */
import type { PipelineRunInfo, PipelineStepInfo } from "../../core/api/insight-routes.js";
import { systemClock } from "../../core/clock.js";
import { invalidParam, MwError, notFound } from "../../core/errors.js";
import type { LeaseStore } from "../../core/leases/lease-store.js";
import { requestRunCancel } from "../../pipelines/cancel-run.js";
import type { PipelineStarter } from "../../pipelines/pipeline-service.js";
import type { StepSpec } from "../../pipelines/pipeline-spec.js";
import { RunLeases } from "../../pipelines/run-lease.js";
import type { PipelineRun, RunStore, StepRun } from "../../pipelines/run-store.js";
import type { PlatformHandlers } from "./handlers.js";

type PipelineRouteName =
  | "listPipelineRuns"
  | "getPipelineRun"
  | "getPipelineStepLog"
  | "cancelPipelineRun"
  | "startPipelineRun";

/**
 * Handlers for the pipeline run routes over a run store; cancelling needs the leases too, starting
 * a pipeline by name the process that runs pipelines (`up --pipeline`).
 */
export function pipelineHandlers(
  runs: RunStore,
  leaseStore?: LeaseStore,
  starter?: PipelineStarter,
): Pick<PlatformHandlers, PipelineRouteName> {
  const leases = leaseStore ? new RunLeases({ leases: leaseStore, store: runs, clock: systemClock }) : undefined;
  return {
    startPipelineRun: async (req) => {
      const params = req.params ?? {};
      if (typeof params !== "object" || params === null || Array.isArray(params)) {
        throw invalidParam("Invalid value for parameter 'params': expected an object of param names to values.");
      }
      if (!starter?.has(req.name)) {
        throw notFound(
          `This server runs no pipeline named '${req.name}' (start it with 'modelworks up --pipeline FILE').`,
        );
      }
      return { run: runInfo(await starter.start(req.name, params as Record<string, unknown>)) };
    },
    cancelPipelineRun: async (req) => {
      if (!leases) throw new MwError("NOT_IMPLEMENTED", "This server cannot cancel pipeline runs.");
      return { run: runInfo(await requestRunCancel({ store: runs, leases, now: Date.now }, req.run_id)) };
    },
    listPipelineRuns: async (req) => {
      const limit = req.max_results ?? 100;
      if (limit < 1 || limit > 1000)
        throw invalidParam(`Invalid value ${limit} for parameter 'max_results': expected 1 to 1000.`);
      const list = await runs.list({ ...(req.pipeline ? { pipeline: req.pipeline } : {}), limit });
      return { runs: list.map(runInfo) };
    },
    getPipelineRun: async (req) => {
      const run = await runs.get(req.run_id);
      const specs = new Map(run.spec.steps.map((s) => [s.name, s]));
      return { run: runInfo(run), steps: (await runs.steps(run.id)).map((s) => stepInfo(s, specs.get(s.step))) };
    },
    getPipelineStepLog: async (req) => {
      await runs.get(req.run_id);
      const step = (await runs.steps(req.run_id)).find((s) => s.step === req.step);
      if (!step) throw notFound(`Pipeline run ${req.run_id} has no step '${req.step}'.`);
      return { run_id: req.run_id, step: step.step, log: step.log };
    },
  };
}

function runInfo(r: PipelineRun): PipelineRunInfo {
  return {
    run_id: r.id,
    pipeline: r.pipeline,
    status: r.status,
    trigger: r.trigger,
    ...(r.trackingRunId ? { tracking_run_id: r.trackingRunId } : {}),
    created_time: r.createdTime,
    ...(r.startTime !== undefined ? { start_time: r.startTime } : {}),
    ...(r.endTime !== undefined ? { end_time: r.endTime } : {}),
    ...(r.error ? { error: r.error } : {}),
    params: r.params,
  };
}

function stepInfo(s: StepRun, spec: StepSpec | undefined): PipelineStepInfo {
  // The log is left out: it can be 64 KiB per step and has a route of its own.
  return {
    step: s.step,
    type: spec?.type ?? "unknown",
    needs: spec?.needs ?? [],
    status: s.status,
    cache: s.status === "cached" ? "hit" : spec?.cache ? "miss" : "off",
    attempts: s.attempts,
    ...(s.trackingRunId ? { tracking_run_id: s.trackingRunId } : {}),
    ...(s.startTime !== undefined ? { start_time: s.startTime } : {}),
    ...(s.endTime !== undefined ? { end_time: s.endTime } : {}),
    ...(s.startTime !== undefined && s.endTime !== undefined ? { duration_ms: s.endTime - s.startTime } : {}),
    ...(s.error ? { error: s.error } : {}),
    ...(s.outputs ? { outputs: s.outputs } : {}),
  };
}
