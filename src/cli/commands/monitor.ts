/** `modelworks monitor set|ls|status|run|alerts|rm` */
import { parseArgs } from "node:util";
import type { AlertRuleInfo } from "../../core/api/platform-routes.js";
import { formatDuration, parseDuration } from "../../core/duration.js";
import { formatAlerts, formatConfig, formatResult, formatStatus } from "../../monitoring/live/monitor-format.js";
import type { SetMonitorWire } from "../../monitoring/live/monitor-wire.js";
import type { PlatformApi } from "../../sdk/platform-client.js";
import { monitorHandlers } from "../../server/platform/monitor-handlers.js";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS, connectPlatformApi, table } from "../cli-context.js";
import { countFlag, durationFlag, numberFlag } from "../cli-flags.js";
import { OUTBOUND_FLAGS, OUTBOUND_HELP, outboundPolicyOf } from "../outbound-flags.js";

export const MONITOR_HELP = `Usage:
  modelworks monitor set DEPLOYMENT [--interval 5m] [--window 1h | --window-rows N] [--min-labels 100]
                     [--auc-margin 0.05] [--log-loss-margin 0.1] [--rmse-margin 0.2]
                     [--accuracy-margin 0.05] [--drift-share 0.5]
                     [--alert RULE]... [--notify TARGET]... [--secret S] [--reference DATASET[@VERSION]]
                     (replaces the deployment's monitor; options left out take their defaults)
  modelworks monitor ls                               every monitored deployment: interval, window, alert rules
  modelworks monitor status DEPLOYMENT [--limit 20]   settings, the latest result per model version
                                                      with per-feature verdicts, recent runs, firing alerts
  modelworks monitor run DEPLOYMENT                   run the monitor once now and print what it found
  modelworks monitor alerts [DEPLOYMENT] [--all]      firing alerts (--all: resolved ones too)
  modelworks monitor rm DEPLOYMENT                    stop monitoring (results and alerts are kept)
All take --json.

'modelworks up' runs each monitor every --interval over the window of the primary's answered
predictions (the last --window of time, or the last --window-rows predictions), per model version:
  drift of the logged inputs against the version's drift reference (the package's, else one built
  from the training dataset its run logged; --reference names a dataset version to use instead, for
  every version: the latest when no @VERSION, pinned when set), and realized performance on the
  predictions whose outcomes arrived through /feedback against the training run's metrics: binary
  models AUC, log loss and calibration error; regression RMSE and MAE (outcomes are numbers);
  multiclass the accuracy of the logged label (the top class; the log keeps no per-class
  probabilities, so no log loss).

Alert rules (repeatable; append ,pipeline=NAME to name a pipeline to trigger):
  dataset-drift          the share of drifted features reaches --drift-share
  feature-drift:COL      the input column COL drifted
  feature-freshness:VIEW:MAX_AGE  the online feature view's newest materialized row is older than MAX_AGE (e.g. 2h)
  performance-drop       (once --min-labels arrived) binary: realized AUC below the training AUC −
                         --auc-margin; regression: realized RMSE above the training RMSE × (1 +
                         --rmse-margin); multiclass: accuracy below the training accuracy − --accuracy-margin
  error-rate:MAX         more than MAX (a share, e.g. 0.02) of the deployment's requests failed with 5xx
An alert fires once while its condition holds and resolves when it clears; both are notified once.
Notify (repeatable): webhook=URL (JSON; with --secret each body is signed: X-Modelworks-Signature:
  sha256=HMAC-SHA256 of the raw body, and X-Modelworks-Timestamp), slack=URL (Slack-compatible
  incoming webhook), log (a line on the server's stderr). URLs are shown redacted.
Connection: --tracking-uri URL (or MODELWORKS_TRACKING_URI) talks to a server, whose own
--allow-outbound applies; otherwise the embedded store in --home / MODELWORKS_HOME, and notify
URLs must be allowed here ('set' checks them, 'run' calls them):
${OUTBOUND_HELP}`;

const OPTIONS = {
  ...CONNECTION_FLAGS,
  ...OUTBOUND_FLAGS,
  interval: { type: "string" },
  window: { type: "string" },
  "window-rows": { type: "string" },
  "min-labels": { type: "string" },
  "auc-margin": { type: "string" },
  "log-loss-margin": { type: "string" },
  "rmse-margin": { type: "string" },
  "accuracy-margin": { type: "string" },
  "drift-share": { type: "string" },
  alert: { type: "string", multiple: true },
  notify: { type: "string", multiple: true },
  secret: { type: "string" },
  reference: { type: "string" },
  limit: { type: "string" },
  all: { type: "boolean" },
} as const;

type Flags = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>["values"];
type MonitorApi = Pick<
  PlatformApi,
  "listMonitors" | "getMonitor" | "setMonitor" | "deleteMonitor" | "runMonitor" | "listAlerts"
>;

const SUBCOMMANDS = ["set", "ls", "status", "run", "alerts", "rm"];
const SET_ONLY = Object.keys(OPTIONS).filter(
  (k) => !(k in CONNECTION_FLAGS) && !(k in OUTBOUND_FLAGS) && k !== "limit" && k !== "all",
);

/** Run the `monitor` command. */
export async function monitorCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const [sub, deployment, ...extra] = positionals;
  if (values.help || !sub) {
    io.out(MONITOR_HELP);
    return values.help ? 0 : 2;
  }
  if (!SUBCOMMANDS.includes(sub)) {
    throw new CliError(`unknown subcommand 'monitor ${sub}' (expected ${SUBCOMMANDS.join(", ")})`);
  }
  if (!deployment && sub !== "alerts" && sub !== "ls") throw new CliError(`monitor ${sub} needs a DEPLOYMENT name`);
  if (deployment && sub === "ls") throw new CliError(`unexpected argument '${deployment}'`);
  if (extra.length > 0) throw new CliError(`unexpected argument '${extra[0]}'`);
  if (sub !== "set") {
    const misplaced = SET_ONLY.find((k) => values[k as keyof Flags] !== undefined);
    if (misplaced) throw new CliError(`--${misplaced} is for 'monitor set'`);
  }
  if (values.all && sub !== "alerts") throw new CliError("--all is for 'monitor alerts'");
  if (values.limit !== undefined && sub !== "status" && sub !== "alerts") {
    throw new CliError("--limit is for 'monitor status' and 'monitor alerts'");
  }
  const request = sub === "set" ? setRequest(values) : undefined;
  const conn = await connectPlatformApi<MonitorApi>(values, io, (p) => monitorHandlers(p.monitoring), {
    warn: (m) => io.err(`warning: ${m}`),
    log: (line) => io.err(line),
    outbound: outboundPolicyOf(values, io),
  });
  try {
    return await run(conn.api, sub, deployment, values, request, io);
  } finally {
    await conn.close();
  }
}

async function run(
  api: MonitorApi,
  sub: string,
  name: string | undefined,
  flags: Flags,
  request: SetMonitorWire | undefined,
  io: CliIo,
): Promise<number> {
  const print = <T>(value: T, human: (v: T) => string) => {
    io.out(flags.json ? JSON.stringify(value, null, 2) : human(value));
    return 0;
  };
  const limit = flags.limit === undefined ? {} : { limit: countFlag("--limit", flags.limit) };
  switch (sub) {
    case "set":
      return print(await api.setMonitor({ name: name as string, ...request }), (r) =>
        formatConfig(r.monitor, "Set monitor"),
      );
    case "ls":
      return print(await api.listMonitors({}), (r) =>
        r.monitors.length === 0
          ? "No deployment has a monitor (modelworks monitor set DEPLOYMENT)."
          : table(
              ["DEPLOYMENT", "INTERVAL", "WINDOW", "ALERTS", "LAST RUN"],
              r.monitors.map((m) => [
                m.deployment,
                formatDuration(m.interval_ms),
                m.window_rows !== undefined ? `${m.window_rows} rows` : formatDuration(m.window_ms ?? 0),
                m.alerts.map((a) => a.rule).join(", ") || "-",
                m.last_run_time === undefined ? "never" : new Date(m.last_run_time).toISOString(),
              ]),
            ),
      );
    case "status":
      return print(await api.getMonitor({ name: name as string, ...limit }), formatStatus);
    case "run":
      return print(await api.runMonitor({ name: name as string }), (r) =>
        [
          ...r.results.map(formatResult),
          ...r.alerts.map((c) => `alert ${c.change}: ${c.alert.rule} — ${c.alert.message}`),
        ].join("\n\n"),
      );
    case "alerts": {
      const res = await api.listAlerts({
        ...(name ? { deployment: name } : {}),
        ...(flags.all ? { status: "all" as const } : {}),
        ...limit,
      });
      return print(res, (r) => formatAlerts(r.alerts));
    }
    default:
      return print(await api.deleteMonitor({ name: name as string }), () => `Stopped monitoring ${name}.`);
  }
}

/** The set flags as the API's request. */
function setRequest(f: Flags): SetMonitorWire {
  const req: SetMonitorWire = {};
  if (f.interval !== undefined) req.interval_ms = durationFlag("--interval", f.interval);
  if (f.window !== undefined && f["window-rows"] !== undefined) {
    throw new CliError("use one of --window (a duration) and --window-rows (a count)");
  }
  if (f.window !== undefined) req.window_ms = durationFlag("--window", f.window);
  if (f["window-rows"] !== undefined) req.window_rows = countFlag("--window-rows", f["window-rows"]);
  if (f["min-labels"] !== undefined) req.min_labels = countFlag("--min-labels", f["min-labels"]);
  if (f["auc-margin"] !== undefined) req.auc_margin = numberFlag("--auc-margin", f["auc-margin"]);
  if (f["log-loss-margin"] !== undefined) req.log_loss_margin = numberFlag("--log-loss-margin", f["log-loss-margin"]);
  if (f["rmse-margin"] !== undefined) req.rmse_margin = numberFlag("--rmse-margin", f["rmse-margin"]);
  if (f["accuracy-margin"] !== undefined) req.accuracy_margin = numberFlag("--accuracy-margin", f["accuracy-margin"]);
  if (f["drift-share"] !== undefined) req.drift_share = numberFlag("--drift-share", f["drift-share"]);
  if (f.alert) req.alerts = f.alert.map(alertFlag);
  const notify = (f.notify ?? []).map(notifyFlag);
  if (f.secret !== undefined) {
    const hooks = notify.filter((n) => n.type === "webhook");
    if (hooks.length === 0) throw new CliError("--secret signs webhook notifications; add --notify webhook=URL");
    for (const h of hooks) h.secret = f.secret;
  }
  if (notify.length > 0) req.notify = notify;
  if (f.reference !== undefined) req.reference = f.reference;
  return req;
}

const RULE_SHAPE =
  "dataset-drift, feature-drift:COL, performance-drop, error-rate:MAX or feature-freshness:VIEW:MAX_AGE (then ,pipeline=NAME)";

/** `dataset-drift`, `feature-drift:COL`, `performance-drop`, `error-rate:0.02`, each with an optional `,pipeline=NAME`. */
function alertFlag(text: string): AlertRuleInfo {
  const [head = "", ...options] = text.split(",");
  const colon = head.indexOf(":");
  const kind = (colon < 0 ? head : head.slice(0, colon)).replaceAll("-", "_");
  const arg = colon < 0 ? undefined : head.slice(colon + 1);
  const rule: AlertRuleInfo = { rule: kind as AlertRuleInfo["rule"] };
  if (kind === "feature_drift") {
    if (!arg) throw new CliError(`--alert feature-drift needs a column: feature-drift:COL (got '${text}')`);
    rule.feature = arg;
  } else if (kind === "error_rate") {
    if (!arg) throw new CliError(`--alert error-rate needs a maximum share: error-rate:0.02 (got '${text}')`);
    rule.max = numberFlag("--alert error-rate", arg);
  } else if (kind === "feature_freshness") {
    const at = arg?.lastIndexOf(":") ?? -1;
    if (!arg || at <= 0)
      throw new CliError(
        `--alert feature-freshness needs a view and a maximum age: feature-freshness:VIEW:2h (got '${text}')`,
      );
    rule.view = arg.slice(0, at);
    try {
      rule.max_age_ms = parseDuration("--alert feature-freshness", arg.slice(at + 1));
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  } else if (kind !== "dataset_drift" && kind !== "performance_drop") {
    throw new CliError(`--alert '${text}': expected ${RULE_SHAPE}`);
  } else if (arg !== undefined) throw new CliError(`--alert '${text}': ${head.slice(0, colon)} takes no ':' argument`);
  for (const o of options) {
    if (!o.startsWith("pipeline="))
      throw new CliError(`--alert '${text}': unknown option '${o}' (expected pipeline=NAME)`);
    rule.pipeline = o.slice("pipeline=".length);
  }
  return rule;
}

/** `webhook=URL`, `slack=URL` or `log`. */
function notifyFlag(text: string): { type: "webhook" | "slack" | "log"; url?: string; secret?: string } {
  if (text === "log") return { type: "log" };
  const eq = text.indexOf("=");
  const type = eq < 0 ? text : text.slice(0, eq);
  if ((type !== "webhook" && type !== "slack") || eq < 0) {
    throw new CliError(`--notify must be webhook=URL, slack=URL or log; got '${text}'`);
  }
  return { type, url: text.slice(eq + 1) };
}
