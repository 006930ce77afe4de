/** The platform as a listening command (`up`, `serve`) opens it: warnings on stderr, its access flags applied. */
import type { PlatformConfig } from "../core/config.js";
import type { Platform } from "../server/open-platform.js";
import { openPlatform } from "../server/open-platform.js";
import type { CliIo } from "./cli-context.js";
import { outboundPolicyOf } from "./outbound-flags.js";
import { defaultPermissionFlag } from "./server-auth.js";

/** Open `config`'s platform with `--default-permission` and `--allow-outbound` from `flags`. */
export function openListeningPlatform(
  config: PlatformConfig,
  flags: { "default-permission"?: string | undefined; "allow-outbound"?: string[] | undefined },
  io: CliIo,
): Promise<Platform> {
  const defaultPermission = defaultPermissionFlag(flags["default-permission"]);
  return openPlatform(config, {
    warn: (m) => io.err(`warning: ${m}`),
    outbound: outboundPolicyOf(flags, io),
    ...(defaultPermission ? { defaultPermission } : {}),
  });
}
