/**
 * Where alerts are sent when they fire and when they resolve: a signed JSON webhook, a
 * Slack-compatible incoming webhook, or a log line. Sending never throws: a notification that
 * fails is reported, and never stops monitoring.
 */
import { redactSecrets } from "../../auth/redact.js";
import type { AlertInfo } from "../../core/api/platform-routes.js";
import type { OutboundGuard } from "../../core/http/outbound-request.js";
import { hostOf, postJsonText } from "../../core/http/post-json.js";
import type { Alert, NotifierSpec } from "../live/monitor.js";
import { toAlertInfo } from "./alert-wire.js";
import { signBody } from "./signature.js";
import { slackAlertMessage } from "./slack-alert-message.js";

export const SIGNATURE_HEADER = "X-Modelworks-Signature";
export const TIMESTAMP_HEADER = "X-Modelworks-Timestamp";

/** An alert that changed state. */
export interface AlertNotice {
  status: "firing" | "resolved";
  alert: Alert;
}

/** What a webhook receives. */
export interface AlertPayload {
  kind: "modelworks.alert";
  status: "firing" | "resolved";
  alert: AlertInfo;
  /** When it was sent (ms since the epoch). */
  sent_time: number;
}

/** How a notification went; `error` names the host only (paths often carry tokens). */
export interface NotifyOutcome {
  ok: boolean;
  error?: string;
}

export interface AlertNotifier {
  notify(n: AlertNotice): Promise<NotifyOutcome>;
}

export interface NotifierOptions {
  /** Where `log` notifiers write. */
  log: (line: string) => void;
  now: () => number;
  /** Which URLs webhook and Slack notifiers may post to (the admin's outbound policy). */
  outbound: OutboundGuard;
  /** Tests only: answer with this fetch instead of connecting. */
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5000;

/** The notifier for a spec. */
export function notifierFor(spec: NotifierSpec, o: NotifierOptions): AlertNotifier {
  if (spec.type === "log") return logNotifier(o.log);
  if (spec.type === "slack") return postNotifier(spec.url, (n) => ({ body: JSON.stringify(slackAlertMessage(n)) }), o);
  return postNotifier(
    spec.url,
    (n) => {
      const sent = o.now();
      const payload: AlertPayload = {
        kind: "modelworks.alert",
        status: n.status,
        alert: toAlertInfo(n.alert),
        sent_time: sent,
      };
      const body = JSON.stringify(payload);
      const headers: Record<string, string> = { [TIMESTAMP_HEADER]: String(Math.floor(sent / 1000)) };
      if (spec.secret !== undefined) headers[SIGNATURE_HEADER] = signBody(spec.secret, body);
      return { body, headers };
    },
    o,
  );
}

/** One line per notice: `alert firing: deployment prod rule dataset_drift value 0.6 threshold 0.5: ...`. */
export function logNotifier(log: (line: string) => void): AlertNotifier {
  return {
    async notify(n) {
      const a = n.alert;
      log(
        `alert ${n.status}: deployment ${a.deployment} rule ${a.rule} value ${a.value ?? "-"} ` +
          `threshold ${a.threshold ?? "-"}: ${a.message}`,
      );
      return { ok: true };
    },
  };
}

function postNotifier(
  url: string,
  render: (n: AlertNotice) => { body: string; headers?: Record<string, string> },
  o: NotifierOptions,
): AlertNotifier {
  return {
    async notify(n) {
      try {
        const { body, headers } = render(n);
        const r = await postJsonText(url, body, {
          timeoutMs: o.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          guard: o.outbound,
          ...(headers ? { headers } : {}),
          ...(o.fetch ? { fetch: o.fetch } : {}),
        });
        return r.ok ? { ok: true } : { ok: false, error: `${hostOf(url)}: ${redactSecrets(r.error ?? "")}` };
      } catch (e) {
        return { ok: false, error: `${hostOf(url)}: ${redactSecrets(e instanceof Error ? e.message : String(e))}` };
      }
    },
  };
}
