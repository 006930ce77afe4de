/**
 * The whole HTTP surface of `modelworks up` in process (platform API, MLflow API, artifacts, UI,
 * auth routes, inference, webhooks) on a fresh home with authentication on, and users to call it as.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Permission } from "../../../src/auth/permission.js";
import { systemClock } from "../../../src/core/clock.js";
import { resolveConfig } from "../../../src/core/config.js";
import { buildApp } from "../../../src/server/app.js";
import { hooksRoutes } from "../../../src/server/hooks-routes.js";
import type { Platform } from "../../../src/server/open-platform.js";
import { openPlatform } from "../../../src/server/open-platform.js";
import { ServingMetrics } from "../../../src/serving/metrics/serving-metrics.js";
import { servingRoutes } from "../../../src/serving/serving-routes.js";
import { mapTargets } from "../../../src/serving/serving-targets.js";

export interface SecureApp {
  root: string;
  home: string;
  platform: Platform;
  app: FastifyInstance;
  /** `Authorization` headers by user name (`admin` is the first admin). */
  auth: Record<string, string>;
  close(): Promise<void>;
}

/** Build the app; `hooks` may add hooks that run after the auth gate's (the matrix short-circuits there). */
export async function startSecureApp(
  o: { defaultPermission?: Permission; hooks?: (app: FastifyInstance) => void } = {},
): Promise<SecureApp> {
  const root = await mkdtemp(join(tmpdir(), "mw-sec-"));
  const home = join(root, "home");
  const platform = await openPlatform(resolveConfig({ home }, {}, root), {
    ...(o.defaultPermission ? { defaultPermission: o.defaultPermission } : {}),
  });
  const admin = await platform.authService.createUser("admin", "admin-password", true);
  const { token } = await platform.authService.issueToken(admin.id, "test");
  const app = await buildApp({ ...platform, auth: { mode: "on", service: platform.authService }, version: "test" });
  await app.register(servingRoutes, {
    targets: mapTargets(new Map()),
    version: "test",
    metrics: new ServingMetrics(),
    clock: systemClock,
    layout: "multi",
  });
  await app.register(hooksRoutes, {
    pipelines: () => [],
    secret: () => undefined,
    onGitPush: async () => ({ started: [], duplicate: false }),
  });
  o.hooks?.(app);
  await app.ready();
  return {
    root,
    home,
    platform,
    app,
    auth: { admin: `Bearer ${token}` },
    close: async () => {
      await app.close();
      await platform.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Add a user with a token; returns its Authorization header. */
export async function addUser(s: SecureApp, name: string): Promise<string> {
  const u = await s.platform.authService.createUser(name, `${name}-password`);
  const { token } = await s.platform.authService.issueToken(u.id, "test");
  const header = `Bearer ${token}`;
  s.auth[name] = header;
  return header;
}
