/** A rollout's settings: defaults (documented in docs/rollouts.md) and validation with field-naming errors. */
import type { OutboundPolicy } from "../auth/outbound-policy.js";
import { redactUrl } from "../auth/redact.js";
import { invalidParam } from "../core/errors.js";
import { DEFAULT_WINDOW_THRESHOLDS } from "./analysis/window-checks.js";
import type { AnalysisThresholds, PromqlCheckSpec, RolloutSpec, WebhookSpec } from "./rollout.js";
import { WEBHOOK_TYPES } from "./rollout.js";

export const DEFAULT_STEPS = [5, 25, 50, 100];
export const DEFAULT_INTERVAL_MS = 30_000;
export const DEFAULT_THRESHOLD = 2;
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

/** Every threshold's default. */
export const DEFAULT_ANALYSIS_THRESHOLDS: AnalysisThresholds = {
  ...DEFAULT_WINDOW_THRESHOLDS,
  aucMargin: 0.02,
  maxRmseIncrease: 0.1,
  accuracyMargin: 0.02,
  minLabels: 100,
};

/** What a caller may give; everything but the candidate has a default. */
export interface RolloutSpecInput {
  candidate: string;
  steps?: number[];
  intervalMs?: number;
  threshold?: number;
  shadowFirst?: boolean;
  thresholds?: Partial<AnalysisThresholds>;
  webhooks?: WebhookSpec[];
  prometheus?: { url: string; checks?: PromqlCheckSpec[] };
  notifyUrl?: string;
}

/** Each threshold's name on the wire (snake_case), as errors name it. */
export const THRESHOLD_WIRE_NAMES: Record<keyof AnalysisThresholds, string> = {
  maxErrorRateIncrease: "max_error_rate_increase",
  latencyRatio: "latency_ratio",
  latencySlackMs: "latency_slack_ms",
  maxScorePsi: "max_score_psi",
  minRequests: "min_requests",
  aucMargin: "auc_margin",
  maxRmseIncrease: "max_rmse_increase",
  accuracyMargin: "accuracy_margin",
  minLabels: "min_labels",
};

const LIMITS: Record<keyof AnalysisThresholds, [number, number]> = {
  maxErrorRateIncrease: [0, 1],
  latencyRatio: [1, 1000],
  latencySlackMs: [0, 600_000],
  maxScorePsi: [0, 100],
  minRequests: [0, 1e9],
  aucMargin: [0, 1],
  maxRmseIncrease: [0, 100],
  accuracyMargin: [0, 1],
  minLabels: [2, 1e9],
};

/** The full spec with defaults, or invalidParam naming the first bad field. */
export function resolveRolloutSpec(input: RolloutSpecInput, candidate: string): RolloutSpec {
  const spec: RolloutSpec = {
    candidate,
    steps: validateSteps(input.steps ?? DEFAULT_STEPS),
    intervalMs: bounded("interval_ms", input.intervalMs ?? DEFAULT_INTERVAL_MS, 100, 86_400_000),
    threshold: integer("threshold", input.threshold ?? DEFAULT_THRESHOLD, 1, 1000),
    shadowFirst: bool("shadow_first", input.shadowFirst ?? false),
    thresholds: validateThresholds(input.thresholds ?? {}),
    webhooks: (input.webhooks ?? []).map(validateWebhook),
  };
  if (input.prometheus !== undefined) spec.prometheus = validatePrometheus(input.prometheus);
  if (input.notifyUrl !== undefined) spec.notifyUrl = httpUrl("notify_url", input.notifyUrl);
  return spec;
}

/** invalidParam naming the field of the first URL (webhook, Prometheus, notify) the outbound policy refuses. */
export function assertOutboundAllowed(spec: RolloutSpec, outbound: OutboundPolicy): void {
  spec.webhooks.forEach((h, i) => {
    outbound.assertAllowed(`webhooks[${i}].url`, h.url);
  });
  if (spec.prometheus) outbound.assertAllowed("prometheus.url", spec.prometheus.url);
  if (spec.notifyUrl !== undefined) outbound.assertAllowed("notify_url", spec.notifyUrl);
}

function validateSteps(steps: unknown): number[] {
  if (!Array.isArray(steps) || steps.length === 0 || steps.length > 50) {
    throw invalidParam("Invalid value for 'steps': expected 1 to 50 weights in percent, e.g. [5, 25, 50, 100].");
  }
  let last = 0;
  for (const w of steps) {
    if (typeof w !== "number" || !(w > last) || w > 100) {
      throw invalidParam(
        `Invalid value for 'steps': expected increasing weights above 0 and at most 100, got [${steps.join(", ")}].`,
      );
    }
    last = w;
  }
  return [...steps];
}

function validateThresholds(t: Partial<AnalysisThresholds>): AnalysisThresholds {
  if (t === null || typeof t !== "object") throw invalidParam("Invalid value for 'thresholds': expected an object.");
  const out = { ...DEFAULT_ANALYSIS_THRESHOLDS };
  for (const [key, value] of Object.entries(t)) {
    const limits = LIMITS[key as keyof AnalysisThresholds];
    if (!limits) {
      throw invalidParam(`Unknown threshold '${key}' (expected ${Object.values(THRESHOLD_WIRE_NAMES).join(", ")}).`);
    }
    if (value === undefined) continue;
    const name = THRESHOLD_WIRE_NAMES[key as keyof AnalysisThresholds];
    out[key as keyof AnalysisThresholds] = bounded(`thresholds.${name}`, value, limits[0], limits[1]);
  }
  return out;
}

function validateWebhook(h: WebhookSpec, i: number): WebhookSpec {
  const field = `webhooks[${i}]`;
  if (h === null || typeof h !== "object") throw invalidParam(`Invalid value for '${field}': expected an object.`);
  if (!WEBHOOK_TYPES.includes(h.type)) {
    throw invalidParam(`Invalid value for '${field}.type': expected one of ${WEBHOOK_TYPES.join(", ")}.`);
  }
  const name = h.name ?? h.type;
  if (typeof name !== "string" || !/^[\w.-]{1,64}$/.test(name)) {
    throw invalidParam(`Invalid value for '${field}.name': expected letters, digits, '.', '_' or '-'.`);
  }
  const out: WebhookSpec = {
    name,
    type: h.type,
    url: httpUrl(`${field}.url`, h.url),
    timeoutMs: bounded(`${field}.timeout_ms`, h.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS, 1, 600_000),
  };
  if (h.metadata !== undefined) out.metadata = stringMap(`${field}.metadata`, h.metadata);
  return out;
}

function validatePrometheus(p: { url: string; checks?: PromqlCheckSpec[] }): NonNullable<RolloutSpec["prometheus"]> {
  if (p === null || typeof p !== "object") throw invalidParam("Invalid value for 'prometheus': expected an object.");
  const checks = (p.checks ?? []).map((c, i) => {
    const field = `prometheus.checks[${i}]`;
    if (typeof c?.name !== "string" || !/^[\w.-]{1,64}$/.test(c.name)) {
      throw invalidParam(`Invalid value for '${field}.name': expected letters, digits, '.', '_' or '-'.`);
    }
    if (typeof c.query !== "string" || c.query.trim() === "") {
      throw invalidParam(`Invalid value for '${field}.query': expected a PromQL expression.`);
    }
    if (c.min === undefined && c.max === undefined) {
      throw invalidParam(`Invalid value for '${field}': expected a min or a max.`);
    }
    const out: PromqlCheckSpec = { name: c.name, query: c.query };
    if (c.min !== undefined) out.min = bounded(`${field}.min`, c.min, -Number.MAX_VALUE, Number.MAX_VALUE);
    if (c.max !== undefined) out.max = bounded(`${field}.max`, c.max, -Number.MAX_VALUE, Number.MAX_VALUE);
    return out;
  });
  return { url: httpUrl("prometheus.url", p.url), checks };
}

function bounded(field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max) {
    throw invalidParam(`Invalid value for '${field}': expected a number from ${min} to ${max}, got ${String(v)}.`);
  }
  return v;
}

function integer(field: string, v: unknown, min: number, max: number): number {
  const n = bounded(field, v, min, max);
  if (!Number.isInteger(n)) throw invalidParam(`Invalid value for '${field}': expected a whole number, got ${n}.`);
  return n;
}

function bool(field: string, v: unknown): boolean {
  if (typeof v !== "boolean") throw invalidParam(`Invalid value for '${field}': expected true or false.`);
  return v;
}

function httpUrl(field: string, v: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof v === "string" ? new URL(v) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    const got = typeof v === "string" ? redactUrl(v) : String(v);
    throw invalidParam(`Invalid value for '${field}': expected an http:// or https:// URL, got '${got}'.`);
  }
  return String(v);
}

function stringMap(field: string, v: unknown): Record<string, string> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw invalidParam(`Invalid value for '${field}': expected an object of strings.`);
  }
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== "string") throw invalidParam(`Invalid value for '${field}.${k}': expected a string.`);
  }
  return { ...(v as Record<string, string>) };
}
