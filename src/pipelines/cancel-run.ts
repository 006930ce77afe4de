/**
 * Cancelling a pipeline run from any process: the run is flagged, and the process running it (its
 * lease holder) aborts it within a lease tick; a queued run, or one whose process stopped, is
 * marked cancelled at once.
 */
import { MwError } from "../core/errors.js";
import type { LeftContainers } from "./orphaned-steps.js";
import { stopOrphanedSteps } from "./orphaned-steps.js";
import type { RunLeases } from "./run-lease.js";
import type { PipelineRun, RunStore } from "./run-store.js";

/** Ask for `runId` to stop; returns the run as it stands after the request. */
export async function requestRunCancel(
  deps: { store: RunStore; leases: RunLeases; now: () => number; containers?: LeftContainers },
  runId: string,
): Promise<PipelineRun> {
  const run = await deps.store.get(runId);
  if (run.status !== "queued" && run.status !== "running") {
    throw new MwError(
      "INVALID_STATE",
      `Pipeline run '${runId}' is ${run.status}; only queued or running runs can be cancelled.`,
    );
  }
  await deps.store.requestCancel(runId);
  if (run.status === "queued" || (await deps.leases.orphaned(run.pipeline, runId))) {
    // What a stopped process's commands left running on this machine goes with the run.
    await stopOrphanedSteps(deps.store, runId, deps.containers);
    await markCancelled(deps, runId);
  }
  return deps.store.get(runId);
}

/** A queued (or abandoned) run ends as cancelled without running anything more. */
export async function markCancelled(deps: { store: RunStore; now: () => number }, runId: string): Promise<void> {
  const run = await deps.store.get(runId);
  if (run.status === "queued" || run.status === "running") {
    await deps.store.update(runId, { status: "cancelled", endTime: deps.now(), error: "cancelled" });
  }
}
