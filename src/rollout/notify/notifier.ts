/** Rollout notifications: who is told when a rollout starts, steps, is promoted, held or rolled back. */

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

/** Posts Slack-compatible JSON (`text` plus `blocks`: a header/section and one line per check with value vs threshold and ✅/❌) to an incoming-webhook URL. */
export function slackNotifier(
  url: string,
  opts: { fetch?: typeof fetch; timeoutMs?: number; warn?: (m: string) => void } = {},
): Notifier {
  const warn = opts.warn ?? (() => {});
  const post = { timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, ...(opts.fetch ? { fetch: opts.fetch } : {}) };
  return {
    async notify(n) {
      try {
        const r = await postJson(url, slackMessage(n), post);
        // The host only: incoming-webhook paths are secrets.
        if (!r.ok) warn(`rollout notification (${n.kind}) to ${hostOf(url)} failed: ${r.error}`);
      } catch (e) {
        warn(`rollout notification (${n.kind}) failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
  };
}
