/** Rollouts on the wire (snake_case, as the platform API and `--json` print them) and back. */
import { redactSecrets, redactUrl } from "../auth/redact.js";
import type { CheckResultInfo, RolloutInfo } from "../core/api/platform-routes.js";
import { invalidParam } from "../core/errors.js";
import type { CheckResult } from "./analysis/window-checks.js";
import type { AnalysisThresholds, PromqlCheckSpec, Rollout, RolloutSpec, WebhookSpec } from "./rollout.js";
import type { RolloutSpecInput } from "./rollout-spec.js";
import { THRESHOLD_WIRE_NAMES } from "./rollout-spec.js";

const THRESHOLD_KEYS = Object.fromEntries(
  Object.entries(THRESHOLD_WIRE_NAMES).map(([key, wire]) => [wire, key as keyof AnalysisThresholds]),
) as Record<string, keyof AnalysisThresholds>;

/** A rollout as the API returns it: URLs redacted (credentials, secret paths, token values), never raw. */
export function toRolloutInfo(r: Rollout): RolloutInfo {
  const info: RolloutInfo = {
    id: r.id,
    deployment: r.deployment,
    candidate: r.spec.candidate,
    primary: r.primaryRef,
    phase: r.phase,
    step_index: r.stepIndex,
    weight: r.weight,
    failed_checks: r.failedChecks,
    analyses: r.analyses,
    created_time: r.createdTime,
    updated_time: r.updatedTime,
    step_started_time: r.stepStartedTime,
    spec: toSpecInfo(r.spec),
  };
  if (r.lastAnalysisTime !== undefined) info.last_analysis_time = r.lastAnalysisTime;
  if (r.finishedTime !== undefined) info.finished_time = r.finishedTime;
  if (r.reason !== undefined) info.reason = redactSecrets(r.reason);
  if (r.promotion) {
    const p = r.promotion;
    info.promotion = {
      model: p.model,
      version: p.version,
      alias: p.alias,
      ...(p.previousVersion !== undefined ? { previous_version: p.previousVersion } : {}),
      previous_primary: p.previousPrimary,
      time: p.time,
    };
  }
  return info;
}

/** A rollout's settings on the wire, URLs redacted. */
export function toSpecInfo(s: Omit<RolloutSpec, "candidate">): RolloutInfo["spec"] {
  return {
    steps: s.steps,
    interval_ms: s.intervalMs,
    threshold: s.threshold,
    shadow_first: s.shadowFirst,
    thresholds: Object.fromEntries(Object.entries(THRESHOLD_KEYS).map(([wire, key]) => [wire, s.thresholds[key]])),
    webhooks: s.webhooks.map((h) => ({
      name: h.name,
      type: h.type,
      url: redactUrl(h.url),
      timeout_ms: h.timeoutMs,
      ...(h.metadata ? { metadata: h.metadata } : {}),
    })),
    ...(s.prometheus ? { prometheus: { ...s.prometheus, url: redactUrl(s.prometheus.url) } } : {}),
    ...(s.notifyUrl ? { notify_url: redactUrl(s.notifyUrl) } : {}),
  };
}

/** A check result with non-finite numbers as null (JSON has no Infinity). */
export function toCheckInfo(c: CheckResult): CheckResultInfo {
  const num = (x: number) => (Number.isFinite(x) ? x : null);
  const detail = redactSecrets(c.detail);
  return { check: c.check, passed: c.passed, value: num(c.value), threshold: num(c.threshold), detail };
}

/** The start request's fields, in the wire's snake_case. */
export interface StartRolloutWire {
  candidate: string;
  steps?: number[];
  interval_ms?: number;
  threshold?: number;
  shadow_first?: boolean;
  thresholds?: unknown;
  webhooks?: unknown;
  prometheus?: unknown;
  notify_url?: string;
}

/** A start request as service input; unknown or mistyped nested fields are refused by name. */
export function specInputFromWire(w: StartRolloutWire): RolloutSpecInput {
  const input: RolloutSpecInput = { candidate: w.candidate };
  if (w.steps !== undefined) input.steps = w.steps;
  if (w.interval_ms !== undefined) input.intervalMs = w.interval_ms;
  if (w.threshold !== undefined) input.threshold = w.threshold;
  if (w.shadow_first !== undefined) input.shadowFirst = w.shadow_first;
  if (w.thresholds !== undefined) input.thresholds = thresholdsFromWire(w.thresholds);
  if (w.webhooks !== undefined) input.webhooks = webhooksFromWire(w.webhooks);
  if (w.prometheus !== undefined) input.prometheus = prometheusFromWire(w.prometheus);
  if (w.notify_url !== undefined) input.notifyUrl = w.notify_url;
  return input;
}

function thresholdsFromWire(v: unknown): Partial<AnalysisThresholds> {
  const o = objectOf("thresholds", v);
  const out: Partial<AnalysisThresholds> = {};
  for (const [k, x] of Object.entries(o)) {
    const key = THRESHOLD_KEYS[k];
    if (!key)
      throw invalidParam(`Unknown field 'thresholds.${k}' (expected ${Object.keys(THRESHOLD_KEYS).join(", ")}).`);
    out[key] = x as number;
  }
  return out;
}

function webhooksFromWire(v: unknown): WebhookSpec[] {
  if (!Array.isArray(v)) throw invalidParam("Invalid value for 'webhooks': expected an array.");
  return v.map((h, i) => {
    const o = objectOf(`webhooks[${i}]`, h);
    return {
      name: (o.name ?? o.type) as string,
      type: o.type as WebhookSpec["type"],
      url: o.url as string,
      ...(o.timeout_ms !== undefined ? { timeoutMs: o.timeout_ms as number } : {}),
      ...(o.metadata !== undefined ? { metadata: o.metadata as Record<string, string> } : {}),
    } as WebhookSpec;
  });
}

function prometheusFromWire(v: unknown): { url: string; checks?: PromqlCheckSpec[] } {
  const o = objectOf("prometheus", v);
  const checks = o.checks === undefined ? [] : o.checks;
  if (!Array.isArray(checks)) throw invalidParam("Invalid value for 'prometheus.checks': expected an array.");
  return { url: o.url as string, checks: checks as PromqlCheckSpec[] };
}

function objectOf(field: string, v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw invalidParam(`Invalid value for '${field}': expected an object.`);
  }
  return v as Record<string, unknown>;
}
