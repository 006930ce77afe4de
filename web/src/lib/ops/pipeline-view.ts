/** Badge tones for pipeline run and step states. */
import type { PipelineRunInfo, PipelineStepInfo } from "../../../../src/core/api/insight-routes";

/** Green for success, red for failure, blue while it runs. */
export function runTone(
  status: PipelineRunInfo["status"] | PipelineStepInfo["status"],
): "ok" | "bad" | "warn" | "info" | undefined {
  if (status === "succeeded" || status === "cached") return "ok";
  if (status === "failed") return "bad";
  if (status === "cancelled" || status === "skipped") return "warn";
  if (status === "running" || status === "queued") return "info";
  return undefined;
}

/** True while the run can still change (the page keeps polling). */
export function isRunLive(status: PipelineRunInfo["status"] | undefined): boolean {
  return status === "running" || status === "queued";
}
