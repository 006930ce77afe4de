/** An alert notice as a Slack incoming-webhook message (also accepted by Mattermost and Rocket.Chat). */
import type { AlertNotice } from "./notifiers.js";

/** Slack's limit on a section block's text. */
const MAX_SECTION_CHARS = 3000;

/** The message: `text` (the notification fallback) and blocks: a header, the message, the evidence. */
export function slackAlertMessage(n: AlertNotice): { text: string; blocks: unknown[] } {
  const a = n.alert;
  const title = `${n.status === "firing" ? "🚨 Alert firing" : "✅ Alert resolved"}: ${a.rule} on ${a.deployment}`;
  const facts = [
    `*Value* ${num(a.value)} · *Threshold* ${num(a.threshold)}`,
    ...(a.modelName !== undefined ? [`*Model* \`${a.modelName}/${a.modelVersion ?? "?"}\``] : []),
    `*Since* ${new Date(a.firstTime).toISOString()}`,
    ...(a.resolvedTime !== undefined ? [`*Resolved* ${new Date(a.resolvedTime).toISOString()}`] : []),
    ...(a.pipeline !== undefined ? [`*Pipeline* \`${a.pipeline}\``] : []),
  ].join("\n");
  return {
    text: `${title}: ${a.message}`,
    blocks: [
      { type: "header", text: { type: "plain_text", text: title.slice(0, 150), emoji: true } },
      { type: "section", text: { type: "mrkdwn", text: clip(a.message) } },
      { type: "section", text: { type: "mrkdwn", text: clip(facts) } },
    ],
  };
}

function num(x: number | null): string {
  return x === null ? "-" : String(Number(x.toPrecision(4)));
}

function clip(s: string): string {
  return s.length > MAX_SECTION_CHARS ? `${s.slice(0, MAX_SECTION_CHARS - 1)}…` : s;
}
