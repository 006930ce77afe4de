/** A step context for executor unit tests: one step of `type` with `settings`, its log lines kept. */
import type { StepType } from "../pipeline-spec.js";
import type { StepContext } from "../step-executor.js";

/** The context an executor gets for a lone step; `lines` holds what it logged. */
export function stepContext(
  type: StepType,
  settings: Record<string, unknown>,
  options: { runId?: string; signal?: AbortSignal } = {},
): StepContext & { lines: string[] } {
  const lines: string[] = [];
  return {
    pipelineRunId: "p1",
    runId: options.runId ?? "r1",
    step: {
      name: type,
      type,
      needs: [],
      with: settings,
      inputs: [],
      outputs: [],
      retries: { limit: 0, backoffMs: 0, factor: 1, maxBackoffMs: 0 },
      timeoutMs: 60_000,
      cache: false,
    },
    settings,
    params: {},
    upstream: {},
    workDir: "/tmp",
    log: (l) => lines.push(l),
    signal: options.signal ?? new AbortController().signal,
    lines,
  };
}
