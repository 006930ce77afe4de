/** A fresh platform (temp MODELWORKS_HOME, SQLite) with the app built on it, for in-process tests. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { resolveConfig } from "../../../src/core/config.js";
import { testBackends } from "../../../src/core/db/test-support/backends.js";
import { buildApp } from "../../../src/server/app.js";
import { AUTH_OFF } from "../../../src/server/auth/auth-gate.js";
import type { Platform } from "../../../src/server/open-platform.js";
import { openPlatform } from "../../../src/server/open-platform.js";
import type { Transport } from "./client.js";
import { injectTransport } from "./client.js";

export interface Harness {
  /** The temp folder holding `home` (and nothing else unless a path escaped). */
  root: string;
  home: string;
  /** The stores the app is built on (for loading what the API registered). */
  platform: Platform;
  app: FastifyInstance;
  send: Transport;
  close(): Promise<void>;
}

/**
 * Open a platform in a new temp home and build the app on it; `dataRoots` as `--data-root` (none by
 * default), `store` as `--store` (the home's SQLite file by default).
 */
export async function startHarness(
  opts: { bodyLimit?: number; maxUploadBytes?: number; dataRoots?: string[]; store?: string } = {},
): Promise<Harness> {
  const { dataRoots, store, ...appOptions } = opts;
  const root = await mkdtemp(join(tmpdir(), "mw-http-"));
  const home = join(root, "home");
  const platform = await openPlatform(resolveConfig({ home, "data-root": dataRoots, store }, {}, root));
  const app = await buildApp({ ...platform, auth: AUTH_OFF, version: "test", ...appOptions });
  await app.ready();
  return {
    root,
    home,
    platform,
    app,
    send: injectTransport(app),
    close: async () => {
      await app.close();
      await platform.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A harness on each test backend: the home's SQLite file, and PostgreSQL when MODELWORKS_TEST_POSTGRES_URI is set. */
export function harnessBackends(): { name: string; start(): Promise<Harness> }[] {
  return testBackends().map((backend) => ({
    name: backend.name,
    start: async () => {
      if (backend.name === "sqlite") return startHarness();
      const { uri, drop } = await backend.create();
      const h = await startHarness({ store: uri });
      return { ...h, close: () => h.close().then(drop) };
    },
  }));
}
