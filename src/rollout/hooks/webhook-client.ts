/**
 * Rollout webhooks (Flagger's model): each is POSTed a JSON payload describing the rollout; a 2xx
 * answer passes, anything else (including no answer in time) fails its check or holds promotion.
 */
import { redactSecrets, redactUrl } from "../../auth/redact.js";
import { invalidParam } from "../../core/errors.js";
import type { OutboundGuard } from "../../core/http/outbound-request.js";
import { hostOf, postJson, urlProblem } from "../../core/http/post-json.js";
import type { CheckResult } from "../analysis/window-checks.js";
import type { RolloutPhase, WebhookSpec, WebhookType } from "../rollout.js";
import { WEBHOOK_TYPES } from "../rollout.js";

/** What a webhook receives. */
export interface WebhookPayload {
  name: string;
  type: WebhookType;
  deployment: string;
  rollout_id: string;
  phase: RolloutPhase;
  candidate: string;
  primary: string;
  weight: number;
  step: number;
  failed_checks: number;
  metadata: Record<string, string>;
}

/** The rollout's part of the payload (the hook adds its name, type and metadata). */
export type WebhookContext = Omit<WebhookPayload, "name" | "type" | "metadata">;

/** How one call went. */
export interface WebhookOutcome {
  name: string;
  type: WebhookType;
  /** The hook's URL, redacted (credentials, secret path segments and token values masked). */
  url: string;
  passed: boolean;
  status?: number;
  durationMs: number;
  error?: string;
}

/**
 * POST the payload as JSON with the spec's timeout, if the outbound policy allows the URL; never
 * throws (refused, unreachable, timeout, redirect, non-2xx → passed false with error). The
 * outcome's `url` is redacted: it is recorded in events.
 */
export async function callWebhook(
  spec: WebhookSpec,
  context: WebhookContext,
  opts: { outbound: OutboundGuard; fetch?: typeof fetch },
): Promise<WebhookOutcome> {
  const payload: WebhookPayload = { name: spec.name, type: spec.type, ...context, metadata: spec.metadata ?? {} };
  const r = await postJson(spec.url, payload, {
    timeoutMs: spec.timeoutMs,
    guard: opts.outbound,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
  return {
    name: spec.name,
    type: spec.type,
    url: redactUrl(spec.url),
    passed: r.ok,
    ...(r.status !== undefined ? { status: r.status } : {}),
    durationMs: r.durationMs,
    ...(r.error !== undefined ? { error: redactSecrets(r.error) } : {}),
  };
}

/** The outcome as an analysis check: `webhook:NAME`, value = HTTP status (0 when none), threshold 299. */
export function webhookCheck(o: WebhookOutcome): CheckResult {
  // Only the host: the detail is stored in rollout events, and hook paths often carry tokens.
  const where = `${o.type} hook at ${hostOf(o.url)}`;
  const detail = o.passed
    ? `${where} answered HTTP ${o.status} in ${o.durationMs} ms`
    : `${where} failed after ${o.durationMs} ms: ${redactSecrets(o.error ?? `HTTP ${o.status}`)}`;
  return { check: `webhook:${o.name}`, passed: o.passed, value: o.status ?? 0, threshold: 299, detail };
}

const FLAG_SHAPE = `TYPE=URL or TYPE:NAME=URL with TYPE one of ${WEBHOOK_TYPES.join(", ")}`;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Parse the CLI flag `TYPE=URL` or `TYPE:NAME=URL` (TYPE one of WEBHOOK_TYPES) with a default timeout; invalidParam naming --webhook otherwise. */
export function parseWebhookFlag(text: string, timeoutMs: number): WebhookSpec {
  // URLs may contain "=" and ":", so only the first "=" ends the TYPE[:NAME] part.
  const eq = text.indexOf("=");
  if (eq < 0) throw invalidParam(`--webhook must be ${FLAG_SHAPE}; got '${text}'.`);
  const head = text.slice(0, eq);
  const url = text.slice(eq + 1);
  const colon = head.indexOf(":");
  const type = colon < 0 ? head : head.slice(0, colon);
  const name = colon < 0 ? type : head.slice(colon + 1);
  if (!isWebhookType(type)) throw invalidParam(`--webhook type '${type}' is unknown; use ${FLAG_SHAPE}.`);
  if (!NAME.test(name)) {
    throw invalidParam(
      `--webhook name '${name}' must be letters, digits, '.', '_' or '-' (starting with a letter or digit).`,
    );
  }
  const problem = urlProblem(url);
  if (problem) throw invalidParam(`--webhook ${head}: ${problem}.`);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw invalidParam(`--webhook timeout must be a positive number of milliseconds, got ${timeoutMs}.`);
  }
  return { name, type, url, timeoutMs };
}

function isWebhookType(s: string): s is WebhookType {
  return (WEBHOOK_TYPES as readonly string[]).includes(s);
}
