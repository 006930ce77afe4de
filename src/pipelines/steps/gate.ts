/**
 * The champion/challenger gate: a pure decision over both models' outputs on the same evaluation
 * rows, for binary, regression and multiclass models. The challenger must reach a floor; with a
 * champion it must also beat it by a minimum improvement, optionally with a paired-bootstrap CI
 * whose lower bound is above 0, and must not regress any guardrail metric by more than its
 * allowance. Every comparison follows the metric's direction (RMSE, MAE and log loss: lower is better).
 */
import { invalidParam } from "../../core/errors.js";
import type { ModelKind } from "../../runtimes/runtime.js";
import type { BootstrapInterval } from "./gate-bootstrap.js";
import { pairedBootstrap } from "./gate-bootstrap.js";
import { checkGateInput } from "./gate-input.js";
import type { GateMetric, WeightedMetric } from "./gate-metrics.js";
import { DEFAULT_GATE_METRIC, lowerIsBetter, weightedMetric } from "./gate-metrics.js";

/** What the gate decides on: both models' outputs on the same evaluation rows. */
export interface GateInput {
  /** The models' kind (default binary). */
  kind?: ModelKind;
  /** binary: 0/1 labels; regression: target values; multiclass: class indices. */
  labels: ArrayLike<number>;
  /** Multiclass: how many classes (the outputs are rows × classes probabilities, row-major). */
  classes?: number;
  /** binary: P(positive) per row; regression: the predicted value; multiclass: class probabilities. */
  challenger: ArrayLike<number>;
  /** Absent when there is no champion yet (the first model). */
  champion?: ArrayLike<number>;
  /** Primary metric (default: roc_auc for binary, rmse for regression, log_loss for multiclass). */
  metric?: GateMetric;
  /** The challenger's primary metric must be at least this (at most, when lower is better). */
  floor?: number;
  /** Absolute improvement over the champion required (default 0). */
  minImprovement?: number;
  /** Paired bootstrap: promote only when the CI's lower bound of the improvement is above 0. */
  bootstrap?: { samples: number; confidence: number; seed?: number };
  /** Guardrail metric → the largest regression allowed (absolute, in that metric's units). */
  guardrails?: Partial<Record<GateMetric, number>>;
}

/** One metric for both models; `improvement` is positive when the challenger is better. */
export interface MetricEvidence {
  challenger: number | null;
  champion: number | null;
  /** challenger − champion. */
  difference: number | null;
  improvement: number | null;
  lower_is_better: boolean;
}

/** A guardrail's verdict. */
export interface GuardrailVerdict {
  metric: GateMetric;
  max_regression: number;
  /** How much worse the challenger is (negative: better); null without a champion or when undefined. */
  regression: number | null;
  passed: boolean;
}

/** Everything the decision rests on, for the step's outputs and the event trail. */
export interface GateEvidence {
  kind: ModelKind;
  metric: GateMetric;
  rows: number;
  has_champion: boolean;
  floor: number | null;
  min_improvement: number;
  metrics: Partial<Record<GateMetric, MetricEvidence>>;
  ci: BootstrapInterval | null;
  guardrails: GuardrailVerdict[];
  checks: { floor: boolean; improvement: boolean | null; significance: boolean | null; guardrails: boolean };
}

/** The gate's verdict. */
export interface GateDecision {
  promote: boolean;
  /** One line saying why. */
  reason: string;
  evidence: GateEvidence;
}

/** Decide whether the challenger may replace the champion. Deterministic for a bootstrap seed. */
export function decideGate(input: GateInput): GateDecision {
  const kind = input.kind ?? "binary";
  const metric = input.metric ?? DEFAULT_GATE_METRIC[kind];
  const options = checkGateInput(input, kind, metric);
  const { labels } = input;
  const prepare = (outputs: ArrayLike<number>, m: GateMetric) =>
    weightedMetric(m, kind, labels, outputs, input.classes ?? 0);
  const metrics: GateEvidence["metrics"] = {};
  const guarded = Object.keys(input.guardrails ?? {}) as GateMetric[];
  const prepared = new Map<GateMetric, { chal: WeightedMetric; champ?: WeightedMetric }>();
  for (const m of new Set<GateMetric>([metric, ...guarded])) {
    const chal = prepare(input.challenger, m);
    const champ = input.champion ? prepare(input.champion, m) : undefined;
    prepared.set(m, champ ? { chal, champ } : { chal });
    metrics[m] = evidenceFor(m, chal, champ);
  }
  const primary = metrics[metric] as MetricEvidence;
  if (primary.challenger === null) {
    throw invalidParam(`The evaluation data cannot define ${metric} (it needs both classes).`);
  }
  const sign = lowerIsBetter(metric) ? -1 : 1;
  const floorOk = input.floor === undefined || sign * (primary.challenger - input.floor) >= 0;
  const champ = prepared.get(metric)?.champ;
  const evidence: GateEvidence = {
    kind,
    metric,
    rows: labels.length,
    has_champion: champ !== undefined,
    floor: input.floor ?? null,
    min_improvement: options.minImprovement,
    metrics,
    ci: null,
    guardrails: [],
    checks: { floor: floorOk, improvement: null, significance: null, guardrails: true },
  };
  const fmt = (v: number | null) => (v === null ? "n/a" : v.toFixed(4));
  if (!floorOk) {
    const cmp = sign > 0 ? "below" : "above";
    return reject(evidence, `challenger ${metric} ${fmt(primary.challenger)} is ${cmp} the floor ${input.floor}`);
  }
  if (!champ) {
    return {
      promote: true,
      reason: `no champion yet; challenger ${metric} ${fmt(primary.challenger)} reaches the floor`,
      evidence,
    };
  }
  const improvement = primary.improvement ?? Number.NEGATIVE_INFINITY;
  evidence.checks.improvement = improvement >= options.minImprovement;
  evidence.guardrails = guarded.map((m) => guardrailVerdict(m, input.guardrails?.[m] as number, metrics[m]));
  evidence.checks.guardrails = evidence.guardrails.every((g) => g.passed);
  if (input.bootstrap) {
    const { chal } = prepared.get(metric) as { chal: WeightedMetric };
    evidence.ci = pairedBootstrap(metric, labels.length, chal, champ, { ...input.bootstrap, seed: options.seed });
    evidence.checks.significance = evidence.ci !== null && evidence.ci.lower > 0;
  }
  const vs = `challenger ${metric} ${fmt(primary.challenger)} vs champion ${fmt(primary.champion)}`;
  if (!evidence.checks.improvement) {
    return reject(
      evidence,
      `${vs}: improvement ${fmt(primary.improvement)} is below the minimum ${options.minImprovement}`,
    );
  }
  if (evidence.checks.significance === false) {
    const ci = evidence.ci;
    const bounds = ci ? `[${fmt(ci.lower)}, ${fmt(ci.upper)}]` : "undefined";
    return reject(evidence, `${vs}: the ${input.bootstrap?.confidence} CI of the improvement ${bounds} is not above 0`);
  }
  const failed = evidence.guardrails.filter((g) => !g.passed);
  if (failed.length > 0) {
    const list = failed.map((g) => `${g.metric} regressed by ${fmt(g.regression)} (max ${g.max_regression})`);
    return reject(evidence, `${vs}: guardrail ${list.join("; ")}`);
  }
  return { promote: true, reason: `${vs}: improvement ${fmt(primary.improvement)} passes every check`, evidence };
}

function reject(evidence: GateEvidence, reason: string): GateDecision {
  return { promote: false, reason, evidence };
}

function evidenceFor(metric: GateMetric, challenger: WeightedMetric, champion?: WeightedMetric): MetricEvidence {
  const a = challenger();
  const b = champion ? champion() : null;
  const difference = a !== null && b !== null ? a - b : null;
  const improvement = difference === null ? null : lowerIsBetter(metric) ? -difference : difference;
  return { challenger: a, champion: b, difference, improvement, lower_is_better: lowerIsBetter(metric) };
}

function guardrailVerdict(metric: GateMetric, maxRegression: number, e: MetricEvidence | undefined): GuardrailVerdict {
  const regression = e?.improvement === null || e === undefined ? null : -e.improvement;
  // An undefined metric on this data cannot show a regression, so it does not block.
  return {
    metric,
    max_regression: maxRegression,
    regression,
    passed: regression === null || regression <= maxRegression,
  };
}
