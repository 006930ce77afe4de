/**
 * The credentials the CLI sends to a server: `--token`, MODELWORKS_TOKEN, MLflow's own variables
 * (MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME + MLFLOW_TRACKING_PASSWORD), or else the
 * first admin's token kept in the home (so commands on the machine that runs `up` need no flags).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { resolveConfig } from "../core/config.js";
import type { CliIo } from "./cli-context.js";

/** The home file holding the first admin's token (mode 0600). */
export const ADMIN_TOKEN_FILE = "admin-token";

/** The `Authorization` header value for a server, or undefined when there is nothing to send. */
export function clientAuthorization(
  flags: { token?: string | undefined; home?: string | undefined },
  io: CliIo,
): string | undefined {
  const token = flags.token ?? io.env.MODELWORKS_TOKEN ?? io.env.MLFLOW_TRACKING_TOKEN;
  if (token) return `Bearer ${token}`;
  const user = io.env.MLFLOW_TRACKING_USERNAME;
  const password = io.env.MLFLOW_TRACKING_PASSWORD;
  if (user && password !== undefined) return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  const home = resolveConfig(flags, io.env, io.cwd).home;
  const saved = readTokenFile(home);
  return saved ? `Bearer ${saved}` : undefined;
}

/** The token saved in a home, if any. */
export function readTokenFile(home: string): string | undefined {
  try {
    const text = readFileSync(join(home, ADMIN_TOKEN_FILE), "utf8").trim();
    return text === "" ? undefined : text;
  } catch {
    return undefined;
  }
}

/** `fetch` with an Authorization header added to every request (none when `authorization` is undefined). */
export function fetchWithAuthorization(authorization: string | undefined, base: typeof fetch = fetch): typeof fetch {
  if (!authorization) return base;
  return (input, init) => {
    const headers = new Headers(init?.headers);
    if (!headers.has("authorization")) headers.set("authorization", authorization);
    // A plain object, so a `fetch` stand-in that spreads its headers (bench/tracking) keeps them.
    return base(input, { ...init, headers: Object.fromEntries(headers.entries()) });
  };
}
