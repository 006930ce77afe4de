/**
 * The champion/challenger gate: a pure decision over both models' scores on the same evaluation
 * rows. The challenger must reach a floor; with a champion it must also beat it by a minimum
 * improvement, optionally with a paired-bootstrap CI whose lower bound is above 0, and must not
 * regress any guardrail metric by more than its allowance.
 */
import { invalidParam } from "../../core/errors.js";
import type { BootstrapInterval, GateMetric, RankedScores } from "./gate-bootstrap.js";
import { GATE_METRICS, lowerIsBetter, pairedBootstrap, rankScores, weightedMetric } from "./gate-bootstrap.js";

/** What the gate decides on. Scores are probabilities, one per row of the same evaluation data. */
export interface GateInput {
  /** 0/1 labels of the evaluation rows. */
  labels: ArrayLike<number>;
  challenger: ArrayLike<number>;
  /** Absent when there is no champion yet (the first model). */
  champion?: ArrayLike<number>;
  /** Primary metric (default roc_auc). */
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

const MAX_SAMPLES = 100_000;

/** Decide whether the challenger may replace the champion. Deterministic for a bootstrap seed. */
export function decideGate(input: GateInput): GateDecision {
  const metric = input.metric ?? "roc_auc";
  const options = checkInput(input, metric);
  const { labels } = input;
  const chal = rankScores(input.challenger);
  const champ = input.champion ? rankScores(input.champion) : undefined;
  const metrics: GateEvidence["metrics"] = {};
  const guarded = Object.keys(input.guardrails ?? {}) as GateMetric[];
  for (const m of new Set<GateMetric>([metric, ...guarded])) metrics[m] = evidenceFor(m, labels, chal, champ);
  const primary = metrics[metric] as MetricEvidence;
  if (primary.challenger === null) {
    throw invalidParam(`The evaluation data cannot define ${metric} (it needs both classes).`);
  }
  const sign = lowerIsBetter(metric) ? -1 : 1;
  const floorOk = input.floor === undefined || sign * (primary.challenger - input.floor) >= 0;
  const evidence: GateEvidence = {
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
    evidence.ci = pairedBootstrap(metric, labels, chal, champ, { ...input.bootstrap, seed: options.seed });
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

function evidenceFor(
  metric: GateMetric,
  labels: ArrayLike<number>,
  challenger: RankedScores,
  champion: RankedScores | undefined,
): MetricEvidence {
  const a = weightedMetric(metric, labels, challenger);
  const b = champion ? weightedMetric(metric, labels, champion) : null;
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

function checkInput(input: GateInput, metric: GateMetric): { minImprovement: number; seed: number } {
  if (!(GATE_METRICS as readonly string[]).includes(metric)) {
    throw invalidParam(`Invalid value for 'metric': expected one of ${GATE_METRICS.join(", ")}, got ${metric}.`);
  }
  const n = input.labels.length;
  if (n === 0) throw invalidParam("The gate needs at least one evaluation row.");
  checkScores("challenger", input.challenger, n);
  if (input.champion) checkScores("champion", input.champion, n);
  for (let i = 0; i < n; i++) {
    const y = input.labels[i];
    if (y !== 0 && y !== 1) throw invalidParam(`labels[${i}] must be 0 or 1, got ${y}.`);
  }
  if (input.floor !== undefined && !Number.isFinite(input.floor)) throw invalidParam("Invalid value for 'floor'.");
  const minImprovement = input.minImprovement ?? 0;
  if (!Number.isFinite(minImprovement)) throw invalidParam("Invalid value for 'min_improvement': expected a number.");
  for (const [m, max] of Object.entries(input.guardrails ?? {})) {
    if (!(GATE_METRICS as readonly string[]).includes(m)) {
      throw invalidParam(`Invalid guardrail '${m}': expected one of ${GATE_METRICS.join(", ")}.`);
    }
    if (typeof max !== "number" || !(max >= 0)) {
      throw invalidParam(`Invalid value for guardrail '${m}': expected a max regression ≥ 0, got ${String(max)}.`);
    }
  }
  const b = input.bootstrap;
  if (b) {
    if (!Number.isInteger(b.samples) || b.samples < 1 || b.samples > MAX_SAMPLES) {
      throw invalidParam(`Invalid value for 'bootstrap.samples': expected an integer from 1 to ${MAX_SAMPLES}.`);
    }
    if (!(b.confidence > 0 && b.confidence < 1)) {
      throw invalidParam(`Invalid value for 'bootstrap.confidence': expected a number in (0, 1), e.g. 0.95.`);
    }
  }
  return { minImprovement, seed: b?.seed ?? 0 };
}

function checkScores(field: string, scores: ArrayLike<number>, n: number): void {
  if (scores.length !== n) throw invalidParam(`${field} has ${scores.length} scores for ${n} labelled rows.`);
  for (let i = 0; i < n; i++) {
    const s = scores[i] as number;
    if (!(s >= 0 && s <= 1)) throw invalidParam(`${field}[${i}] must be a probability in [0, 1], got ${s}.`);
  }
}
