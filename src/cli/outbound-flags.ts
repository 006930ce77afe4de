/** `--allow-outbound` and MODELWORKS_OUTBOUND_ALLOW: the admin's allow-list of hosts the platform may call. */
import { OUTBOUND_ENV, OutboundPolicy } from "../auth/outbound-policy.js";
import type { CliIo } from "./cli-context.js";
import { cliParse } from "./cli-flags.js";

/** The flag, for a command's parseArgs options. */
export const OUTBOUND_FLAGS = { "allow-outbound": { type: "string", multiple: true } } as const;

/** Help lines of the flag (indented as the commands' option lists). */
export const OUTBOUND_HELP = `  --allow-outbound HOST[,HOST...]  (repeatable) hosts that webhooks, notifications, Prometheus and
                 remote models may call: host, host:port, *.domain, IP, CIDR (10.0.0.0/8) or * (any public host).
                 Default: none (MODELWORKS_OUTBOUND_ALLOW, comma-separated, when the flag is absent).
                 Loopback, private and link-local addresses only when listed; redirects are not followed.`;

/** The policy from `--allow-outbound` (all of them), else MODELWORKS_OUTBOUND_ALLOW, else nothing allowed. */
export function outboundPolicyOf(flags: { "allow-outbound"?: string[] }, io: Pick<CliIo, "env">): OutboundPolicy {
  const fromEnv = io.env[OUTBOUND_ENV];
  const entries = flags["allow-outbound"] ?? (fromEnv ? [fromEnv] : []);
  return cliParse(() => OutboundPolicy.parse(entries));
}
