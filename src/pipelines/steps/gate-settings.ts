/** The `gate` step's `with:` settings, validated with errors that name the field. */
import { invalidParam } from "../../core/errors.js";
import type { GateMetric } from "./gate-metrics.js";
import { gateMetric } from "./gate-metrics.js";

/** Validated gate settings. */
export interface GateSettings {
  model: string;
  /** The candidate's version number, as a decimal string. */
  candidate: string;
  eval: string;
  /** The evaluation data's label column (default: the candidate's signature's `label`). */
  label?: string;
  /** Absent: the model kind's default (roc_auc, rmse or log_loss). */
  metric?: GateMetric;
  floor?: number;
  minImprovement: number;
  bootstrap?: { samples: number; confidence: number; seed: number };
  guardrails?: Partial<Record<GateMetric, number>>;
}

const GATE_KEYS = [
  "model",
  "candidate",
  "eval",
  "label",
  "metric",
  "min_improvement",
  "floor",
  "bootstrap",
  "guardrails",
];

/** Parse `{model, candidate, eval, label, metric, floor, min_improvement, bootstrap, guardrails}`. */
export function gateSettings(w: Record<string, unknown>): GateSettings {
  knownSettings("gate", w, GATE_KEYS);
  const model = text("model", w.model);
  const s: GateSettings = {
    model,
    candidate: candidateVersion(model, w.candidate),
    eval: text("eval", w.eval),
    minImprovement: w.min_improvement === undefined ? 0 : num("min_improvement", w.min_improvement),
  };
  if (w.metric !== undefined) s.metric = gateMetric("metric", w.metric);
  if (w.label !== undefined) s.label = text("label", w.label);
  if (w.floor !== undefined) s.floor = num("floor", w.floor);
  if (w.bootstrap !== undefined) s.bootstrap = bootstrap(w.bootstrap);
  if (w.guardrails !== undefined) s.guardrails = guardrails(w.guardrails);
  return s;
}

function text(field: string, v: unknown): string {
  if (typeof v !== "string" || v.trim() === "") throw invalidParam(`Missing value for gate setting '${field}'.`);
  return v.trim();
}

/** Settings may come from `${...}` substitution as strings, so numeric text is accepted. */
function num(field: string, v: unknown): number {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n)) {
    throw invalidParam(`Invalid value for gate setting '${field}': expected a number, got ${JSON.stringify(v)}.`);
  }
  return n;
}

/** A version number, or `MODEL/VERSION` of the same model. */
function candidateVersion(model: string, v: unknown): string {
  const t = typeof v === "number" ? String(v) : text("candidate", v);
  const m = /^(?:(.+)\/)?(\d+)$/.exec(t);
  if (!m || (m[1] !== undefined && m[1] !== model)) {
    throw invalidParam(`Invalid value for gate setting 'candidate': expected a version of '${model}', got '${t}'.`);
  }
  return m[2] as string;
}

function bootstrap(v: unknown): GateSettings["bootstrap"] {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw invalidParam("Invalid value for gate setting 'bootstrap': expected {samples, confidence}.");
  }
  const b = v as Record<string, unknown>;
  return {
    samples: b.samples === undefined ? 1000 : num("bootstrap.samples", b.samples),
    confidence: b.confidence === undefined ? 0.95 : num("bootstrap.confidence", b.confidence),
    seed: b.seed === undefined ? 0 : num("bootstrap.seed", b.seed),
  };
}

function guardrails(v: unknown): Partial<Record<GateMetric, number>> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw invalidParam("Invalid value for gate setting 'guardrails': expected {metric: max_regression}.");
  }
  const out: Partial<Record<GateMetric, number>> = {};
  for (const [k, max] of Object.entries(v)) out[gateMetric(`guardrails.${k}`, k)] = num(`guardrails.${k}`, max);
  return out;
}

/** A misspelt setting would be silently ignored (a gate without its floor): refuse it, naming the known ones. */
export function knownSettings(step: string, w: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(w).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw invalidParam(`Unknown ${step} setting '${unknown[0]}' (expected one of ${known.join(", ")}).`);
  }
}
