/** Rollout notifications: who is told when a rollout starts, steps, is promoted, held or rolled back. */

import { redactDeep, redactSecrets } from "../../auth/redact.js";
import type { OutboundGuard } from "../../core/http/outbound-request.js";
import { hostOf, postJson } from "../../core/http/post-json.js";
import type { CheckResult } from "../analysis/window-checks.js";
import { slackMessage } from "./slack-message.js";

/** One thing that happened to a rollout, with the checks behind it when there were any. */
export interface RolloutNotice {
  kind: "started" | "step" | "promoted" | "rolled_back" | "aborted" | "held";
  deployment: string;
  rolloutId: string;
  candidate: string;
  primary: string;
  weight: number;
  message: string;
  checks?: CheckResult[];
}

/** Tells someone about a rollout; `notify` never rejects (a notification must not stop a rollout). */
export interface Notifier {
  notify(n: RolloutNotice): Promise<void>;
}

/** A notifier that tells no one. */
export const silentNotifier: Notifier = { notify: async () => {} };

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * Posts Slack-compatible JSON (`text` plus `blocks`: a header/section and one line per check with
 * value vs threshold and ✅/❌) to an incoming-webhook URL the outbound policy allows.
 */
export function slackNotifier(
  url: string,
  opts: { outbound: OutboundGuard; fetch?: typeof fetch; timeoutMs?: number; warn?: (m: string) => void },
): Notifier {
  const warn = opts.warn ?? (() => {});
  const post = {
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    guard: opts.outbound,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  };
  return {
    async notify(n) {
      try {
        // The message is built from redacted reasons and checks; redacted again in case one slipped in.
        const r = await postJson(url, redactDeep(slackMessage(n)), post);
        // The host only: incoming-webhook paths are secrets.
        if (!r.ok) warn(`rollout notification (${n.kind}) to ${hostOf(url)} failed: ${redactSecrets(r.error ?? "")}`);
      } catch (e) {
        warn(`rollout notification (${n.kind}) failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
  };
}
