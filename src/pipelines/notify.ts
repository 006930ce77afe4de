/**
 * Telling a pipeline's `notify` targets that a run failed: a JSON webhook (signed as monitoring's
 * webhooks are when a secret is set), a Slack-compatible webhook, or a log line. Never throws:
 * a notification that fails is only a warning.
 */
import { redactSecrets } from "../auth/redact.js";
import type { OutboundGuard } from "../core/http/outbound-request.js";
import { hostOf, postJsonText } from "../core/http/post-json.js";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from "../monitoring/alerts/notifiers.js";
import { signBody } from "../monitoring/alerts/signature.js";
import type { NotifySpec, PipelineSpec } from "./pipeline-spec.js";
import type { PipelineRun, StepRun } from "./run-store.js";

/** What a webhook receives. */
export interface PipelineFailurePayload {
  pipeline: string;
  run_id: string;
  status: string;
  failed_step: string | null;
  error: string;
}

export interface PipelineNotifierOptions {
  /** Where `log` targets write. */
  log: (line: string) => void;
  /** Where failed notifications are reported. */
  warn: (line: string) => void;
  /** Where `secret_env` names are looked up. */
  env: NodeJS.ProcessEnv;
  now?: () => number;
  /** Which URLs webhook and Slack targets may post to (the admin's outbound policy). */
  outbound: OutboundGuard;
  /** Tests only: answer with this fetch instead of connecting. */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** Tells the spec's targets about a finished run (only failures are told). */
export type PipelineNotifier = (spec: PipelineSpec, run: PipelineRun, steps: StepRun[]) => Promise<void>;

/** The payload and one-line message of a failed run; a failed `validate` step reads "data validation failed: ...". */
export function failureNotice(spec: PipelineSpec, run: PipelineRun, steps: StepRun[]) {
  const failed = steps.find((s) => s.status === "failed");
  const type = spec.steps.find((s) => s.name === failed?.step)?.type;
  // The validate step's own error already starts with "validation failed: "; say it once.
  const error = (failed?.error ?? run.error ?? "unknown error").replace(/^validation failed: /, "");
  const payload: PipelineFailurePayload = {
    pipeline: run.pipeline,
    run_id: run.id,
    status: run.status,
    failed_step: failed?.step ?? null,
    error: type === "validate" ? `data validation failed: ${error}` : error,
  };
  const at = failed ? ` at step '${failed.step}'` : "";
  const message =
    type === "validate"
      ? `pipeline ${run.pipeline} run ${run.id}: data validation failed${at}: ${error}`
      : `pipeline ${run.pipeline} run ${run.id} failed${at}: ${error}`;
  return { payload, message };
}

/** A notifier that sends to each target once per failed run. */
export function pipelineNotifier(o: PipelineNotifierOptions): PipelineNotifier {
  return async (spec, run, steps) => {
    if (run.status !== "failed" || !spec.notify?.length) return;
    const { payload, message } = failureNotice(spec, run, steps);
    await Promise.all(spec.notify.map((target) => send(target, payload, message, o)));
  };
}

async function send(target: NotifySpec, payload: PipelineFailurePayload, message: string, o: PipelineNotifierOptions) {
  if (target.type === "log") {
    o.log(message);
    return;
  }
  const headers: Record<string, string> = {};
  let body: string;
  if (target.type === "slack") body = JSON.stringify({ text: message });
  else {
    body = JSON.stringify(payload);
    headers[TIMESTAMP_HEADER] = String(Math.floor((o.now ?? Date.now)() / 1000));
    if (target.secretEnv) {
      const secret = o.env[target.secretEnv];
      if (!secret) {
        o.warn(`pipeline notify: ${target.secretEnv} is not set; the webhook to ${hostOf(target.url)} was not sent`);
        return;
      }
      headers[SIGNATURE_HEADER] = signBody(secret, body);
    }
  }
  const r = await postJsonText(target.url, body, {
    timeoutMs: o.timeoutMs ?? 5000,
    guard: o.outbound,
    headers,
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
  if (!r.ok) o.warn(`pipeline notify: ${target.type} ${hostOf(target.url)} failed: ${redactSecrets(r.error ?? "")}`);
}
