/**
 * One analysis of a rollout: the "rollout" webhooks, the metric checks of the window, the AUC on
 * labels that have arrived, and the PromQL checks — each a {@link CheckResult} with its evidence.
 */

import { parseModelRef } from "../../serving/model-resolver.js";
import type { LabeledScore, PredictionLogStore } from "../../serving/prediction-log/prediction-log-store.js";
import { aucCheck } from "../analysis/auc-check.js";
import type { PrometheusClient } from "../analysis/prometheus/prometheus-client.js";
import { runPromqlChecks } from "../analysis/prometheus/promql-checks.js";
import type { CheckResult } from "../analysis/window-checks.js";
import { checkWindow } from "../analysis/window-checks.js";
import type { WindowReading } from "../analysis/window-source.js";
import { webhookCheck } from "../hooks/webhook-client.js";
import type { Rollout } from "../rollout.js";
import type { RolloutActions } from "../rollout-actions.js";

export interface AnalysisInputs {
  actions: RolloutActions;
  reading: WindowReading;
  /** Labelled predictions (the prediction log joined with feedback), when this process has them. */
  labels?: Pick<PredictionLogStore, "listLabeledScores">;
  /** The model's positive class (for outcomes given as class names). */
  positiveClass?: string;
  prometheus?: PrometheusClient;
  /** The window's end (ms since the epoch), at which PromQL checks are evaluated. */
  now?: number;
}

/** Every check of one analysis, in a stable order. */
export async function analyse(r: Rollout, inputs: AnalysisInputs): Promise<CheckResult[]> {
  const checks: CheckResult[] = [];
  for (const o of await inputs.actions.hooks(r, "rollout")) checks.push(webhookCheck(o));
  checks.push(...checkWindow(inputs.reading.primary, inputs.reading.candidate, r.spec.thresholds));
  const auc = await labelCheck(r, inputs);
  if (auc) checks.push(auc);
  if (inputs.prometheus && r.spec.prometheus && r.spec.prometheus.checks.length > 0) {
    const variant = r.phase === "shadow" ? "shadow" : "candidate";
    const vars = {
      deployment: r.deployment,
      intervalMs: inputs.reading.durationMs,
      variant,
      ...(inputs.now !== undefined ? { timeSec: inputs.now / 1000 } : {}),
    };
    checks.push(...(await runPromqlChecks(inputs.prometheus, r.spec.prometheus.checks, vars)));
  }
  return checks;
}

/** AUC of the candidate against the primary over the rollout so far (labels arrive late). */
async function labelCheck(r: Rollout, inputs: AnalysisInputs): Promise<CheckResult | undefined> {
  if (!inputs.labels) return undefined;
  const rows = await inputs.labels.listLabeledScores({ deployment: r.deployment, since: r.createdTime });
  const cand = parseModelRef(r.spec.candidate);
  const isCandidate = (x: LabeledScore) => x.modelName === cand.name && x.modelVersion === cand.version;
  const shadow = r.phase === "shadow";
  const candidate = rows.filter((x) => isCandidate(x) && x.shadow === shadow);
  const primary = rows.filter((x) => x.variant === "primary" && !x.shadow);
  const t = r.spec.thresholds;
  const options = { margin: t.aucMargin, minLabels: t.minLabels };
  return aucCheck(
    primary,
    candidate,
    inputs.positiveClass ? { ...options, positiveClass: inputs.positiveClass } : options,
  );
}
