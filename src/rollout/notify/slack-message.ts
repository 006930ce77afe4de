/** A rollout notice as a Slack incoming-webhook message (also accepted by Mattermost and Rocket.Chat). */
import type { CheckResult } from "../analysis/window-checks.js";
import type { RolloutNotice } from "./notifier.js";

/** Slack's limit on a section block's text. */
const MAX_SECTION_CHARS = 3000;

const TITLES: Record<RolloutNotice["kind"], string> = {
  started: "🚀 Rollout started",
  step: "⏩ Rollout stepped",
  promoted: "🎉 Candidate promoted",
  rolled_back: "⏪ Rollout rolled back",
  aborted: "🛑 Rollout aborted",
  held: "⏸️ Rollout held",
};

/** The message: `text` (the notification fallback) and blocks: header, summary, then one line per check. */
export function slackMessage(n: RolloutNotice): { text: string; blocks: unknown[] } {
  const title = `${TITLES[n.kind]}: ${n.deployment}`;
  const summary = [
    n.message,
    `*Candidate* \`${n.candidate}\` at ${n.weight}% · *Primary* \`${n.primary}\` · rollout \`${n.rolloutId}\``,
  ].join("\n");
  const blocks: unknown[] = [
    { type: "header", text: { type: "plain_text", text: title.slice(0, 150), emoji: true } },
    { type: "section", text: { type: "mrkdwn", text: clip(summary) } },
  ];
  if (n.checks && n.checks.length > 0) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: clip(n.checks.map(checkLine).join("\n")) } });
  }
  return { text: `${title}: ${n.message}`, blocks };
}

/** `✅ *error-rate* 0.004 vs 0.011: candidate 0.40 % errors vs ...` */
export function checkLine(c: CheckResult): string {
  return `${c.passed ? "✅" : "❌"} *${c.check}* ${num(c.value)} vs ${num(c.threshold)}: ${c.detail}`;
}

function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  // Four significant digits without trailing zeros or exponents for everyday magnitudes.
  return String(Number(x.toPrecision(4)));
}

function clip(s: string): string {
  return s.length > MAX_SECTION_CHARS ? `${s.slice(0, MAX_SECTION_CHARS - 1)}…` : s;
}
