/** How the demo narrates a pipeline run (a line per step) and a rollout (its events and checks). */
import type { PipelineService } from "../../../pipelines/pipeline-service.js";
import type { StepEvent } from "../../../pipelines/run-execution.js";
import type { PipelineRun } from "../../../pipelines/run-store.js";
import { formatCheck } from "../../../rollout/rollout-format.js";
import type { PlatformApi } from "../../../sdk/platform-client.js";
import { gateEvidence } from "./churn-pipelines.js";
import type { Narrator } from "./narrator.js";

/** A finished pipeline run with each step's outputs and the first failed step. */
export interface NarratedRun {
  run: PipelineRun;
  outputs: Record<string, Record<string, unknown>>;
  failedStep?: string;
}

/** Run the pipeline file at `path` to its end, a line per step state and the gate's evidence. */
export async function narratePipelineRun(
  say: Narrator,
  pipelines: PipelineService,
  path: string,
  params: Record<string, string>,
  trigger?: string,
): Promise<NarratedRun> {
  const name = path.replace(/^.*\//, "").replace(".yaml", "");
  say.line(`pipeline run ${name}${trigger ? ` (trigger: ${trigger})` : ""}`);
  const onEvent = (e: StepEvent) => {
    if (e.status === "running" && (e.attempt ?? 1) === 1) return;
    const took = e.durationMs !== undefined ? ` in ${(e.durationMs / 1000).toFixed(1)} s` : "";
    say.detail(`${e.step}: ${e.status}${took}${e.error ? ` — ${e.error}` : ""}`);
  };
  const run = await pipelines.runFile(path, { params, onEvent, ...(trigger ? { trigger } : {}) });
  const shown = await pipelines.show(run.id);
  const outputs: Record<string, Record<string, unknown>> = {};
  let failedStep: string | undefined;
  for (const s of shown.steps) {
    if (s.outputs) outputs[s.step] = s.outputs as Record<string, unknown>;
    if (s.status === "failed" && !failedStep) failedStep = s.step;
  }
  say.line(`pipeline ${run.pipeline} run ${run.id}: ${run.status}${failedStep ? ` at ${failedStep}` : ""}`);
  const metrics = outputs.train?.metrics as Record<string, number> | undefined;
  if (metrics?.roc_auc !== undefined)
    say.detail(
      `trained churn/${outputs.train?.version}: roc_auc ${metrics.roc_auc.toFixed(4)} (training run's evaluation)`,
    );
  const gate = outputs.gate;
  if (gate) for (const line of gateEvidence(gate)) say.detail(line);
  return { run, outputs, ...(failedStep ? { failedStep } : {}) };
}

/** Narrate `deployment`'s latest rollout until it ends (at most 60 s); returns the final phase. */
export async function followRollout(say: Narrator, api: PlatformApi, deployment: string): Promise<string> {
  const seen = new Set<string>();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { rollout, events } = await api.getRollout({ name: deployment });
    for (const e of [...events].reverse()) {
      if (seen.has(e.id) || e.time < rollout.created_time) continue;
      seen.add(e.id);
      say.line(`${e.type}: ${e.message}`);
      const checks = e.data?.checks;
      if (Array.isArray(checks) && checks.length > 0) {
        for (const c of checks as Parameters<typeof formatCheck>[0][]) {
          if (!c.passed || e.type !== "rollout_analysis") say.detail(formatCheck(c).slice(0, 140));
        }
        const passed = (checks as { passed: boolean }[]).filter((c) => c.passed).length;
        if (passed === checks.length) say.detail(`${passed}/${checks.length} checks passed`);
      }
    }
    if (rollout.phase === "succeeded" || rollout.phase === "rolled_back") {
      say.line(`rollout ${rollout.phase}${rollout.reason ? `: ${rollout.reason}` : ""}`);
      return rollout.phase;
    }
    if (Date.now() > deadline) {
      say.line(`✘ rollout still ${rollout.phase} after 60 s`);
      return rollout.phase;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
