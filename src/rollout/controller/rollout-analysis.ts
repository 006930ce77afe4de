/**
 * One analysis of a rollout: the "rollout" webhooks, the metric checks of the window, the label
 * check of the model's kind on labels that have arrived (AUC, RMSE or accuracy), and the PromQL
 * checks — each a {@link CheckResult} with its evidence.
 */

import type { ModelKind } from "../../runtimes/runtime.js";
import { parseModelRef } from "../../serving/model-resolver.js";
import type { LabeledScore, PredictionLogStore } from "../../serving/prediction-log/prediction-log-store.js";
import { aucCheck } from "../analysis/auc-check.js";
import { accuracyCheck, rmseCheck } from "../analysis/kind-checks.js";
import type { PrometheusClient } from "../analysis/prometheus/prometheus-client.js";
import { runPromqlChecks } from "../analysis/prometheus/promql-checks.js";
import type { CheckResult } from "../analysis/window-checks.js";
import { checkWindow } from "../analysis/window-checks.js";
import type { WindowReading } from "../analysis/window-source.js";
import { webhookCheck } from "../hooks/webhook-client.js";
import { hasScorePsi } from "../kind-thresholds.js";
import type { Rollout } from "../rollout.js";
import type { RolloutActions } from "../rollout-actions.js";
import type { ServedKinds } from "./rollout-controller.js";

export interface AnalysisInputs {
  actions: RolloutActions;
  reading: WindowReading;
  /** Labelled predictions (the prediction log joined with feedback), when this process has them. */
  labels?: Pick<PredictionLogStore, "listLabeledScores">;
  /** The model's positive class (for outcomes given as class names). */
  positiveClass?: string;
  /** The kinds of the loaded primary and candidate (binary when not known). */
  kinds?: ServedKinds;
  prometheus?: PrometheusClient;
  /** The window's end (ms since the epoch), at which PromQL checks are evaluated. */
  now?: number;
}

/** Every check of one analysis, in a stable order. */
export async function analyse(r: Rollout, inputs: AnalysisInputs): Promise<CheckResult[]> {
  const checks: CheckResult[] = [];
  for (const o of await inputs.actions.hooks(r, "rollout")) checks.push(webhookCheck(o));
  const kind = inputs.kinds?.primary ?? "binary";
  const mismatch = kindMismatch(inputs.kinds);
  if (mismatch) checks.push(mismatch);
  const window = checkWindow(inputs.reading.primary, inputs.reading.candidate, r.spec.thresholds);
  // Score PSI compares probability histograms; regression values do not fit those buckets.
  checks.push(...window.filter((c) => c.check !== "score-psi" || hasScorePsi(kind)));
  const label = mismatch ? undefined : await labelCheck(r, inputs, kind);
  if (label) checks.push(label);
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

/** A failed check when the candidate is of another kind than the primary (their metrics cannot be compared). */
function kindMismatch(kinds: ServedKinds | undefined): CheckResult | undefined {
  if (!kinds?.primary || !kinds.candidate || kinds.primary === kinds.candidate) return undefined;
  return {
    check: "model-kind",
    passed: false,
    value: Number.NaN,
    threshold: Number.NaN,
    detail: `the candidate is a ${kinds.candidate} model and the primary a ${kinds.primary} one; their outputs cannot be compared`,
  };
}

/** The kind's label check of the candidate against the primary over the rollout so far (labels arrive late). */
async function labelCheck(r: Rollout, inputs: AnalysisInputs, kind: ModelKind): Promise<CheckResult | undefined> {
  if (!inputs.labels) return undefined;
  const rows = await inputs.labels.listLabeledScores({ deployment: r.deployment, since: r.createdTime });
  const cand = parseModelRef(r.spec.candidate);
  const isCandidate = (x: LabeledScore) => x.modelName === cand.name && x.modelVersion === cand.version;
  const shadow = r.phase === "shadow";
  const candidate = rows.filter((x) => isCandidate(x) && x.shadow === shadow);
  const primary = rows.filter((x) => x.variant === "primary" && !x.shadow);
  const t = r.spec.thresholds;
  if (kind === "regression")
    return rmseCheck(primary, candidate, { maxIncrease: t.maxRmseIncrease, minLabels: t.minLabels });
  if (kind === "multiclass")
    return accuracyCheck(primary, candidate, { margin: t.accuracyMargin, minLabels: t.minLabels });
  const options = { margin: t.aucMargin, minLabels: t.minLabels };
  return aucCheck(
    primary,
    candidate,
    inputs.positiveClass ? { ...options, positiveClass: inputs.positiveClass } : options,
  );
}
