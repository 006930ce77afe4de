/**
 * Authentication for the commands that listen (`server`, `up`, `serve`, `demo`): on by default; off
 * only with `--no-auth` on a loopback address. The first start creates the admin and saves its
 * token in the home (0600), where the CLI on this machine finds it.
 */
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureFirstAdmin } from "../auth/bootstrap.js";
import type { Permission } from "../auth/permission.js";
import { parsePermission } from "../auth/permission.js";
import type { AuthPolicy } from "../server/auth/auth-gate.js";
import { AUTH_OFF } from "../server/auth/auth-gate.js";
import type { Platform } from "../server/open-platform.js";
import type { CliIo } from "./cli-context.js";
import { CliError } from "./cli-context.js";
import { ADMIN_TOKEN_FILE } from "./client-auth.js";

/** Flags of every listening command. */
export const SERVER_AUTH_FLAGS = {
  "no-auth": { type: "boolean" },
  "default-permission": { type: "string" },
} as const;

export const SERVER_AUTH_HELP = `  --no-auth      serve without authentication (refused unless --host is a loopback address)
  --default-permission READ|EDIT|MANAGE|NO_PERMISSIONS   what signed-in users may do on resources
                 without a grant (default READ, as MLflow)`;

/** The `--default-permission` flag as a level (undefined: the default). */
export function defaultPermissionFlag(text: string | undefined): Permission | undefined {
  if (text === undefined) return undefined;
  try {
    return parsePermission(text, "--default-permission");
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** True for the loopback addresses a server may listen on without authentication. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** The policy for a listening command, creating the first admin when there are no users yet. */
export async function serverAuthPolicy(
  flags: { "no-auth"?: boolean | undefined },
  host: string,
  platform: Platform,
  home: string,
  io: CliIo,
): Promise<AuthPolicy> {
  if (flags["no-auth"]) {
    if (!isLoopbackHost(host))
      throw new CliError(`--no-auth is refused on ${host}: without authentication, listen on 127.0.0.1 only`);
    io.err("warning: authentication is off (--no-auth): anyone who can reach this port can do everything");
    return AUTH_OFF;
  }
  const first = await ensureFirstAdmin(platform.authService);
  if (first) {
    const file = saveTokenFile(home, first.token);
    io.err(
      `First start: created the admin user '${first.username}' (password: ${first.password}). Its API token is in ${file} (mode 0600); the CLI on this machine uses it. Keep both secret.`,
    );
  }
  return { mode: "on", service: platform.authService };
}

/** Write the token into the home, readable by its owner only. */
export function saveTokenFile(home: string, token: string): string {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const file = join(home, ADMIN_TOKEN_FILE);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}

/**
 * A token for the `command` steps of pipelines this process runs, so they can log to it like any
 * MLflow client; made for the first admin, valid a week, revoked when the process stops.
 */
export async function pipelineStepToken(
  policy: AuthPolicy,
  platform: Platform,
): Promise<{ token: string | undefined; revoke(): Promise<void> }> {
  if (policy.mode === "off") return { token: undefined, revoke: async () => {} };
  const admin = (await platform.authService.listUsers()).find((u) => u.isAdmin);
  if (!admin) return { token: undefined, revoke: async () => {} };
  const { token, record } = await platform.authService.issueToken(
    admin.id,
    `pipeline steps (process ${process.pid})`,
    Date.now() + 7 * 86_400_000,
  );
  const by = { userId: admin.id, username: admin.username, isAdmin: true, via: "local" as const };
  return { token, revoke: () => platform.authService.revokeToken(record.id, by).catch(() => {}) };
}
