/**
 * The rollout settings flags (steps, pace, analysis thresholds, webhooks, Prometheus, notifications)
 * shared by `rollout start` and `deployments create|update` (the settings an alias change rolls out with).
 */
import { parsePromqlCheck } from "../rollout/analysis/prometheus/promql-checks.js";
import { parseWebhookFlag } from "../rollout/hooks/webhook-client.js";
import { DEFAULT_WEBHOOK_TIMEOUT_MS } from "../rollout/rollout-spec.js";
import type { StartRolloutWire } from "../rollout/rollout-wire.js";
import { CliError } from "./cli-context.js";
import { cliParse, countFlag, durationFlag, numberFlag } from "./cli-flags.js";

/** The flags, for a command's parseArgs options. */
export const ROLLOUT_SETTING_FLAGS = {
  steps: { type: "string" },
  interval: { type: "string" },
  threshold: { type: "string" },
  "shadow-first": { type: "boolean" },
  "max-error-rate-increase": { type: "string" },
  "latency-ratio": { type: "string" },
  "latency-slack": { type: "string" },
  "max-psi": { type: "string" },
  "min-requests": { type: "string" },
  "auc-margin": { type: "string" },
  "max-rmse-increase": { type: "string" },
  "accuracy-margin": { type: "string" },
  "min-labels": { type: "string" },
  webhook: { type: "string", multiple: true },
  "webhook-timeout": { type: "string" },
  prometheus: { type: "string" },
  promql: { type: "string", multiple: true },
  notify: { type: "string" },
} as const;

/** Help lines of the analysis flags (indented as the commands' option lists). */
export const ROLLOUT_ANALYSIS_HELP = `  --max-error-rate-increase X  candidate error rate at most the primary's + X [0.01 = 1 point]
  --latency-ratio X, --latency-slack D   p99 at most max(X × primary p99, primary p99 + D) [1.5, 5ms]
  --max-psi X                  PSI of candidate vs primary scores on the same window (binary,
                               multiclass: the top class's probability) [0.2]
  --min-requests N             candidate requests a window needs [20]
  --auc-margin X, --min-labels N   with labels from /feedback: candidate AUC ≥ primary AUC − X,
                               once each side has N labelled predictions [0.02, 100] (binary)
  --max-rmse-increase X        regression: candidate RMSE on labels ≤ primary RMSE × (1 + X) [0.1]
  --accuracy-margin X          multiclass: candidate accuracy on labels ≥ primary's − X [0.02]
  --webhook TYPE[:NAME]=URL    (repeatable) TYPE: pre-rollout, rollout (each analysis),
                               confirm-promotion (non-2xx holds promotion), post-rollout
  --webhook-timeout D          per call [10s]
  --prometheus URL             measure windows with PromQL (deployments served by several replicas)
  --promql 'NAME=QUERY<=MAX'   (repeatable, or >=MIN) an extra PromQL check; {{deployment}},
                               {{interval}}, {{variant}} are filled in
  --notify URL                 Slack-compatible webhook told of start, steps, promotion, rollback`;

type SettingFlags = {
  [K in keyof typeof ROLLOUT_SETTING_FLAGS]?: (typeof ROLLOUT_SETTING_FLAGS)[K] extends {
    multiple: true;
  }
    ? string[]
    : (typeof ROLLOUT_SETTING_FLAGS)[K] extends { type: "boolean" }
      ? boolean
      : string;
};

/** The names of the settings flags given. */
export function givenRolloutFlags(f: SettingFlags): string[] {
  return Object.keys(ROLLOUT_SETTING_FLAGS).filter((k) => f[k as keyof SettingFlags] !== undefined);
}

/** The settings flags as the API's fields (snake_case); only those given. */
export function rolloutSettingsFromFlags(f: SettingFlags): Omit<StartRolloutWire, "candidate"> {
  const req: Omit<StartRolloutWire, "candidate"> = {};
  if (f.steps !== undefined) req.steps = f.steps.split(",").map((x) => numberFlag("--steps", x));
  if (f.interval !== undefined) req.interval_ms = durationFlag("--interval", f.interval);
  if (f.threshold !== undefined) req.threshold = countFlag("--threshold", f.threshold);
  if (f["shadow-first"]) req.shadow_first = true;
  const thresholds: Record<string, number> = {};
  const put = (flag: keyof SettingFlags, key: string, parse: (flag: string, t: string) => number) => {
    const text = f[flag];
    if (typeof text === "string") thresholds[key] = parse(`--${flag}`, text);
  };
  put("max-error-rate-increase", "max_error_rate_increase", numberFlag);
  put("latency-ratio", "latency_ratio", numberFlag);
  put("latency-slack", "latency_slack_ms", durationFlag);
  put("max-psi", "max_score_psi", numberFlag);
  put("min-requests", "min_requests", countFlag);
  put("auc-margin", "auc_margin", numberFlag);
  put("max-rmse-increase", "max_rmse_increase", numberFlag);
  put("accuracy-margin", "accuracy_margin", numberFlag);
  put("min-labels", "min_labels", countFlag);
  if (Object.keys(thresholds).length > 0) req.thresholds = thresholds;
  const timeout = f["webhook-timeout"]
    ? durationFlag("--webhook-timeout", f["webhook-timeout"])
    : DEFAULT_WEBHOOK_TIMEOUT_MS;
  if (f.webhook) {
    req.webhooks = f.webhook.map((w) => {
      const h = cliParse(() => parseWebhookFlag(w, timeout));
      return { name: h.name, type: h.type, url: h.url, timeout_ms: h.timeoutMs };
    });
  }
  if (f.promql && !f.prometheus) throw new CliError("--promql needs --prometheus URL");
  if (f.prometheus) {
    req.prometheus = { url: f.prometheus, checks: (f.promql ?? []).map((q) => cliParse(() => parsePromqlCheck(q))) };
  }
  if (f.notify !== undefined) req.notify_url = f.notify;
  return req;
}
