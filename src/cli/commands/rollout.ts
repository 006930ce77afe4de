/** `modelworks rollout start|status|ls|promote|abort|rollback` */
import { parseArgs } from "node:util";
import type { RolloutInfo } from "../../core/api/platform-routes.js";
import { eventLines, formatRollout, formatRolloutList } from "../../rollout/rollout-format.js";
import type { StartRolloutWire } from "../../rollout/rollout-wire.js";
import type { PlatformApi } from "../../sdk/platform-client.js";
import { rolloutHandlers } from "../../server/platform/rollout-handlers.js";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS, connectPlatformApi } from "../cli-context.js";
import { countFlag } from "../cli-flags.js";
import { OUTBOUND_FLAGS, OUTBOUND_HELP, outboundPolicyOf } from "../outbound-flags.js";
import { ROLLOUT_ANALYSIS_HELP, ROLLOUT_SETTING_FLAGS, rolloutSettingsFromFlags } from "../rollout-flags.js";

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
${ROLLOUT_ANALYSIS_HELP}
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
  ...ROLLOUT_SETTING_FLAGS,
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
  return { name, candidate: f.candidate, ...rolloutSettingsFromFlags(f) };
}
