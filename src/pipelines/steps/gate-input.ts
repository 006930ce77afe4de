/** Checks of a gate's input for its model kind, with errors naming the field. */
import { invalidParam } from "../../core/errors.js";
import type { ModelKind } from "../../runtimes/runtime.js";
import type { GateInput } from "./gate.js";
import type { GateMetric } from "./gate-metrics.js";
import { checkMetricKind, GATE_METRICS } from "./gate-metrics.js";

const MAX_SAMPLES = 100_000;

/** Refuse input the gate cannot decide on; returns the minimum improvement and the bootstrap seed. */
export function checkGateInput(
  input: GateInput,
  kind: ModelKind,
  metric: GateMetric,
): { minImprovement: number; seed: number } {
  if (!(GATE_METRICS as readonly string[]).includes(metric)) {
    throw invalidParam(`Invalid value for 'metric': expected one of ${GATE_METRICS.join(", ")}, got ${metric}.`);
  }
  checkMetricKind("metric", metric, kind);
  const n = input.labels.length;
  if (n === 0) throw invalidParam("The gate needs at least one evaluation row.");
  const k = kind === "multiclass" ? checkClasses(input.classes) : 1;
  checkLabels(input.labels, kind, k);
  checkOutputs("challenger", input.challenger, kind, n, k);
  if (input.champion) checkOutputs("champion", input.champion, kind, n, k);
  if (input.floor !== undefined && !Number.isFinite(input.floor)) throw invalidParam("Invalid value for 'floor'.");
  const minImprovement = input.minImprovement ?? 0;
  if (!Number.isFinite(minImprovement)) throw invalidParam("Invalid value for 'min_improvement': expected a number.");
  for (const [m, max] of Object.entries(input.guardrails ?? {})) {
    if (!(GATE_METRICS as readonly string[]).includes(m)) {
      throw invalidParam(`Invalid guardrail '${m}': expected one of ${GATE_METRICS.join(", ")}.`);
    }
    checkMetricKind(`guardrails.${m}`, m as GateMetric, kind);
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

function checkClasses(classes: number | undefined): number {
  if (classes === undefined || !Number.isInteger(classes) || classes < 2) {
    throw invalidParam(`A multiclass gate needs the number of classes (at least 2), got ${String(classes)}.`);
  }
  return classes;
}

function checkLabels(labels: ArrayLike<number>, kind: ModelKind, k: number): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i] as number;
    const ok =
      kind === "binary"
        ? y === 0 || y === 1
        : kind === "regression"
          ? Number.isFinite(y)
          : Number.isInteger(y) && y >= 0 && y < k;
    if (!ok) {
      const want =
        kind === "binary" ? "0 or 1" : kind === "regression" ? "a finite number" : `a class index from 0 to ${k - 1}`;
      throw invalidParam(`labels[${i}] must be ${want}, got ${y}.`);
    }
  }
}

function checkOutputs(field: string, outputs: ArrayLike<number>, kind: ModelKind, n: number, k: number): void {
  if (outputs.length !== n * k) {
    const what =
      kind === "multiclass"
        ? `${outputs.length} probabilities for ${n} rows × ${k} classes`
        : `${outputs.length} scores for ${n} labelled rows`;
    throw invalidParam(`${field} has ${what}.`);
  }
  for (let i = 0; i < outputs.length; i++) {
    const s = outputs[i] as number;
    if (kind === "regression") {
      if (!Number.isFinite(s)) throw invalidParam(`${field}[${i}] must be a finite prediction, got ${s}.`);
    } else if (!(s >= 0 && s <= 1)) {
      throw invalidParam(`${field}[${i}] must be a probability in [0, 1], got ${s}.`);
    }
  }
}
