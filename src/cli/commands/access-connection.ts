/**
 * Users, tokens and grants for the CLI: over HTTP (`--tracking-uri`) through the auth routes, or on
 * the embedded store through the very handlers the server uses, as a local admin (whoever can open
 * the store's files already holds everything in it).
 */

import type { Principal } from "../../auth/principal.js";
import { LOCAL_ADMIN } from "../../auth/principal.js";
import { resolveConfig } from "../../core/config.js";
import type { AuthApi } from "../../sdk/auth-client.js";
import { createAuthClient } from "../../sdk/auth-client.js";
import { authHandlers } from "../../server/auth/auth-handlers.js";
import { openPlatform } from "../../server/open-platform.js";
import type { CliIo, ConnectionFlags } from "../cli-context.js";
import { CliError } from "../cli-context.js";
import { clientAuthorization, fetchWithAuthorization } from "../client-auth.js";

/** The auth API, and whether it is a remote server. */
export interface AccessConnection {
  api: AuthApi;
  remote: boolean;
  close(): Promise<void>;
}

/** Connect; `asUser` (local only) makes calls as that user (e.g. to create their token). */
export async function connectAccess(flags: ConnectionFlags, io: CliIo, asUser?: string): Promise<AccessConnection> {
  const uri = flags["tracking-uri"] ?? io.env.MODELWORKS_TRACKING_URI ?? io.env.MLFLOW_TRACKING_URI;
  if (uri && /^https?:\/\//.test(uri)) {
    if (asUser)
      throw new CliError("--user works on the embedded store only; over HTTP, tokens are made for the caller");
    const api = createAuthClient({ baseUrl: uri, fetch: fetchWithAuthorization(clientAuthorization(flags, io)) });
    return { api, remote: true, close: async () => {} };
  }
  const platform = await openPlatform(resolveConfig(flags, io.env, io.cwd));
  try {
    let caller: Principal = LOCAL_ADMIN;
    if (asUser) {
      const u = await platform.authService.getUser(asUser);
      caller = { userId: u.id, username: u.username, isAdmin: u.isAdmin, via: "local" };
    }
    const handlers = authHandlers(platform.authService, platform.auditLog);
    const api = Object.fromEntries(
      Object.entries(handlers).map(([name, fn]) => [name, (req: Record<string, unknown>) => fn(req, caller)]),
    ) as unknown as AuthApi;
    return { api, remote: false, close: () => platform.close() };
  } catch (e) {
    await platform.close();
    throw e;
  }
}
