/**
 * Fault injection for model packages: a "bad candidate" that fails on some inputs or at random,
 * answers late, or shifts its scores — for testing canary rollouts against a real server (like
 * podinfo's fault endpoints with Flagger). A package holds its faults in `faults.json`.
 */
import { invalidParam } from "../../core/errors.js";
import type { Table } from "../../data/table.js";
import { valueAt } from "../../data/table.js";
import type { Predictor } from "./load-model.js";
import type { ModelSignature } from "./model-package.js";

/** What a faulty model does wrong (snake_case, as stored in `faults.json`). */
export interface ModelFaults {
  /** Answers are written this many ms late by the server (0–60000). */
  delay_ms?: number;
  /** `predict` fails when any row's `column` value, as a string, is one of `values`. */
  fail_when?: { column: string; values: string[] };
  /** `predict` fails with this probability per call (0–1). */
  fail_rate?: number;
  /** Added to every score (-1..1); binary scores are clamped to [0, 1]. */
  score_shift?: number;
}

/** The numeric fault fields and their inclusive ranges. */
export const FAULT_RANGES = {
  delay_ms: [0, 60_000],
  fail_rate: [0, 1],
  score_shift: [-1, 1],
} as const;

export type NumericFault = keyof typeof FAULT_RANGES;

const FIELDS = new Set(["delay_ms", "fail_when", "fail_rate", "score_shift"]);

/** Why `value` is not valid for a numeric fault field (e.g. "must be a number from 0 to 1"), or undefined. */
export function numericFaultProblem(field: NumericFault, value: unknown): string | undefined {
  const [min, max] = FAULT_RANGES[field];
  const ok = typeof value === "number" && Number.isFinite(value) && value >= min && value <= max;
  return ok ? undefined : `must be a number from ${min} to ${max}`;
}

/** Check a parsed `faults.json` value; `where` names it in errors. */
export function checkModelFaults(value: unknown, where = "faults.json"): ModelFaults {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw invalidParam(`${where} must be a JSON object.`);
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!FIELDS.has(k)) throw invalidParam(`${where}: unknown field '${k}' (expected ${[...FIELDS].join(", ")}).`);
  }
  const faults: ModelFaults = {};
  for (const field of Object.keys(FAULT_RANGES) as NumericFault[]) {
    const v = o[field];
    if (v === undefined) continue;
    const problem = numericFaultProblem(field, v);
    if (problem) throw invalidParam(`${where}: '${field}' ${problem}, got ${JSON.stringify(v)}.`);
    faults[field] = v as number;
  }
  if (o.fail_when !== undefined) faults.fail_when = checkFailWhen(o.fail_when, where);
  return faults;
}

function checkFailWhen(v: unknown, where: string): { column: string; values: string[] } {
  const w = v as { column?: unknown; values?: unknown } | null;
  const shape = `${where}: 'fail_when' must be {"column": NAME, "values": [STRING, ...]}`;
  if (w === null || typeof w !== "object" || Array.isArray(w)) throw invalidParam(`${shape}.`);
  const extra = Object.keys(w).find((k) => k !== "column" && k !== "values");
  if (extra !== undefined) throw invalidParam(`${shape}; unknown field '${extra}'.`);
  if (typeof w.column !== "string" || w.column === "")
    throw invalidParam(`${shape}; 'fail_when.column' must be a non-empty string.`);
  if (!Array.isArray(w.values) || w.values.length === 0 || !w.values.every((s) => typeof s === "string"))
    throw invalidParam(`${shape}; 'fail_when.values' must be a non-empty array of strings.`);
  return { column: w.column, values: [...(w.values as string[])] };
}

/**
 * `inner` with `faults` injected into `predict`. It has no row scorer, so serving takes the general
 * path that calls `predict`. Its signature also takes the `fail_when` column (optional string) when
 * the model does not, so servers keep that column in the requests they parse.
 */
export function faultyPredictor(inner: Predictor, faults: ModelFaults, random: () => number = Math.random): Predictor {
  const failWhen = faults.fail_when;
  const failing = failWhen ? new Set(failWhen.values) : undefined;
  const rate = faults.fail_rate ?? 0;
  const shift = faults.score_shift ?? 0;
  const clamp = inner.signature.task === "binary";
  return {
    algo: inner.algo,
    signature: failWhen ? withInput(inner.signature, failWhen.column) : inner.signature,
    faults,
    predict: (t) => {
      if (failWhen && failing) failOnValues(t, failWhen.column, failing);
      // Serving warms a model up on an all-missing row before use; failing that would refuse the load.
      if (rate > 0 && random() < rate && !allMissing(t)) throw new Error(`injected fault: fail_rate ${rate}`);
      const scores = inner.predict(t);
      if (shift !== 0) {
        for (let i = 0; i < scores.length; i++) {
          const s = (scores[i] as number) + shift;
          scores[i] = clamp ? Math.min(1, Math.max(0, s)) : s;
        }
      }
      return scores;
    },
  };
}

function failOnValues(t: Table, column: string, failing: ReadonlySet<string>): void {
  const c = t.column(column);
  if (!c) return;
  for (let i = 0; i < t.numRows; i++) {
    const v = valueAt(c, i);
    if (v !== null && failing.has(String(v))) throw new Error(`injected fault: ${column} = ${String(v)}`);
  }
}

function allMissing(t: Table): boolean {
  return t.columns.every((c) => c.nulls?.every((n) => n === 1) === true);
}

function withInput(signature: ModelSignature, column: string): ModelSignature {
  if (signature.inputs.some((i) => i.name === column)) return signature;
  return { ...signature, inputs: [...signature.inputs, { name: column, type: "string", optional: true }] };
}
