/** `modelworks rollout start|status|ls|promote|abort|rollback` */
import { parseArgs } from "node:util";
import type { RolloutInfo } from "../../core/api/platform-routes.js";
import { parsePromqlCheck } from "../../rollout/analysis/prometheus/promql-checks.js";
import { parseWebhookFlag } from "../../rollout/hooks/webhook-client.js";
import { eventLines, formatRollout, formatRolloutList } from "../../rollout/rollout-format.js";
import { DEFAULT_WEBHOOK_TIMEOUT_MS } from "../../rollout/rollout-spec.js";
import type { StartRolloutWire } from "../../rollout/rollout-wire.js";
import type { PlatformApi } from "../../sdk/platform-client.js";
import { rolloutHandlers } from "../../server/platform/rollout-handlers.js";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS, connectPlatformApi } from "../cli-context.js";
import { cliParse, countFlag, durationFlag, numberFlag } from "../cli-flags.js";
import { OUTBOUND_FLAGS, OUTBOUND_HELP, outboundPolicyOf } from "../outbound-flags.js";

export const ROLLOUT_HELP = `Usage:
  modelworks rollout start DEPLOYMENT --candidate MODEL/VERSION [--steps 5,25,50,100] [--interval 30s]
                     [--threshold 2] [--shadow-first] [analysis options] [--wait]
  modelworks rollout status DEPLOYMENT     the latest rollout, its events and every check's evidence
  modelworks rollout ls DEPLOYMENT         the deployment's rollouts
  modelworks rollout promote DEPLOYMENT    skip the remaining steps: promote the candidate now
  modelworks rollout abort DEPLOYMENT [--reason TEXT]   all traffic back to the primary
  modelworks rollout rollback DEPLOYMENT   undo the latest promotion (the alias goes back to 'previous')
All take --json.

The controller inside 'modelworks up' (or 'serve --deployment') moves the candidate's share of
traffic through the steps. Every --interval it analyses the window since the last step: it advances
when all checks pass and the candidate served enough requests (no traffic is a failed check);
--threshold failed analyses over the rollout roll it back (weight 0, candidate removed, primary
untouched). After the last step, confirm-promotion hooks are asked; then the primary's alias
(champion) moves to the candidate and the former champion gets the alias 'previous'.

Analysis options (defaults in brackets; see docs/rollouts.md):
  --max-error-rate-increase X  candidate error rate at most the primary's + X [0.01 = 1 point]
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
  --notify URL                 Slack-compatible webhook told of start, steps, promotion, rollback
  --wait                       follow the rollout until it ends; exit 0 when promoted, 1 otherwise
Connection: --tracking-uri URL (or MODELWORKS_TRACKING_URI) talks to a server, whose own
--allow-outbound applies; otherwise the embedded store in --home / MODELWORKS_HOME, and webhook,
Prometheus and notify URLs must be allowed here (start checks them; promote, abort and rollback call them):
${OUTBOUND_HELP}
URLs are shown redacted (user:password, secret path segments and token values masked).`;

const OPTIONS = {
  ...CONNECTION_FLAGS,
  ...OUTBOUND_FLAGS,
  candidate: { type: "string" },
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
  wait: { type: "boolean" },
  reason: { type: "string" },
  limit: { type: "string" },
} as const;

type Flags = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>["values"];
type RolloutApi = Pick<
  PlatformApi,
  "startRollout" | "listRollouts" | "getRollout" | "promoteRollout" | "abortRollout" | "rollbackRollout"
>;

const SUBCOMMANDS = ["start", "status", "ls", "promote", "abort", "rollback"];
const START_ONLY = Object.keys(OPTIONS).filter(
  (k) => !(k in CONNECTION_FLAGS) && !(k in OUTBOUND_FLAGS) && k !== "reason" && k !== "limit",
);

/** Run the `rollout` command. */
export async function rolloutCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const [sub, deployment, ...extra] = positionals;
  if (values.help || !sub) {
    io.out(ROLLOUT_HELP);
    return values.help ? 0 : 2;
  }
  if (!SUBCOMMANDS.includes(sub)) {
    throw new CliError(`unknown subcommand 'rollout ${sub}' (expected ${SUBCOMMANDS.join(", ")})`);
  }
  if (!deployment) throw new CliError(`rollout ${sub} needs a DEPLOYMENT name`);
  if (extra.length > 0) throw new CliError(`unexpected argument '${extra[0]}'`);
  if (sub !== "start") {
    const misplaced = START_ONLY.find((k) => values[k as keyof Flags] !== undefined);
    if (misplaced) throw new CliError(`--${misplaced} is for 'rollout start'`);
  }
  const request = sub === "start" ? startRequest(deployment, values) : undefined;
  const outbound = outboundPolicyOf(values, io);
  const conn = await connectPlatformApi<RolloutApi>(values, io, (p) => rolloutHandlers(p.rollouts), { outbound });
  try {
    return await run(conn.api, sub, deployment, values, request, io);
  } finally {
    await conn.close();
  }
}

async function run(
  api: RolloutApi,
  sub: string,
  name: string,
  flags: Flags,
  request: (StartRolloutWire & { name: string }) | undefined,
  io: CliIo,
): Promise<number> {
  const print = <T>(value: T, human: (v: T) => string) => {
    io.out(flags.json ? JSON.stringify(value, null, 2) : human(value));
    return 0;
  };
  switch (sub) {
    case "start": {
      const res = await api.startRollout(request as StartRolloutWire & { name: string });
      if (!flags.wait) return print(res, (r) => formatRollout(r.rollout, undefined, "Started rollout"));
      if (!flags.json) io.out(formatRollout(res.rollout, undefined, "Started rollout"));
      return follow(api, name, res.rollout.id, flags, io);
    }
    case "status":
      return print(await api.getRollout({ name }), (r) => formatRollout(r.rollout, r.events));
    case "ls": {
      const limit = flags.limit === undefined ? {} : { limit: countFlag("--limit", flags.limit) };
      return print(await api.listRollouts({ name, ...limit }), (r) => formatRolloutList(r.rollouts));
    }
    case "promote":
      return print(await api.promoteRollout({ name }), (r) => formatRollout(r.rollout, undefined, "Promoted"));
    case "abort": {
      const res = await api.abortRollout({ name, ...(flags.reason ? { reason: flags.reason } : {}) });
      return print(res, (r) => formatRollout(r.rollout, undefined, "Aborted"));
    }
    default:
      return print(await api.rollbackRollout({ name }), (r) => formatRollout(r.rollout, undefined, "Rolled back"));
  }
}

/** Print events as they arrive until the rollout ends; 0 when it succeeded. */
async function follow(api: RolloutApi, name: string, id: string, flags: Flags, io: CliIo): Promise<number> {
  const seen = new Set<string>();
  for (;;) {
    const { rollout, events } = await api.getRollout({ name });
    if (rollout.id !== id) throw new CliError(`rollout ${id} was replaced by ${rollout.id}`);
    const fresh = events.filter((e) => !seen.has(e.id)).reverse();
    for (const e of fresh) seen.add(e.id);
    if (!flags.json && fresh.length > 0) for (const line of eventLines(fresh)) io.out(line);
    if (isFinal(rollout)) {
      if (flags.json) io.out(JSON.stringify({ rollout, events }, null, 2));
      else io.out(formatRollout(rollout));
      return rollout.phase === "succeeded" ? 0 : 1;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

function isFinal(r: RolloutInfo): boolean {
  return r.phase === "succeeded" || r.phase === "rolled_back";
}

/** The start flags as the API's request. */
function startRequest(name: string, f: Flags): StartRolloutWire & { name: string } {
  if (!f.candidate) throw new CliError("rollout start needs --candidate MODEL/VERSION");
  const req: StartRolloutWire & { name: string } = { name, candidate: f.candidate };
  if (f.steps !== undefined) req.steps = f.steps.split(",").map((x) => numberFlag("--steps", x));
  if (f.interval !== undefined) req.interval_ms = durationFlag("--interval", f.interval);
  if (f.threshold !== undefined) req.threshold = countFlag("--threshold", f.threshold);
  if (f["shadow-first"]) req.shadow_first = true;
  const thresholds: Record<string, number> = {};
  const put = (flag: keyof Flags, key: string, parse: (flag: string, t: string) => number) => {
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
