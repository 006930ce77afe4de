/** A fresh platform (temp MODELWORKS_HOME, SQLite) with the app built on it, for in-process tests. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { resolveConfig } from "../../../src/core/config.js";
import { testBackends } from "../../../src/core/db/test-support/backends.js";
import { testBucket } from "../../../src/core/s3/test-support/s3-test-server.js";
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
  opts: {
    bodyLimit?: number;
    maxUploadBytes?: number;
    dataRoots?: string[];
    store?: string;
    /** `--artifacts` (the home's folder by default). */
    artifacts?: string;
    /** The environment the configuration is read from (S3 settings, MODELWORKS_OBJECTS_URI). */
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<Harness> {
  const { dataRoots, store, artifacts, env, ...appOptions } = opts;
  const root = await mkdtemp(join(tmpdir(), "mw-http-"));
  const home = join(root, "home");
  const flags = { home, "data-root": dataRoots, store, ...(artifacts ? { artifacts } : {}) };
  const platform = await openPlatform(resolveConfig(flags, env ?? {}, root));
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

/** A harness whose artifacts and dataset objects live in a fresh bucket of the test S3 server. */
export async function startS3Harness(): Promise<Harness> {
  const b = await testBucket();
  const s = b.settings;
  const env = {
    AWS_ENDPOINT_URL: s.endpoint,
    AWS_ACCESS_KEY_ID: s.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s.secretAccessKey,
    AWS_REGION: s.region,
    MODELWORKS_OBJECTS_URI: `s3://${b.bucket}/objects`,
  };
  const h = await startHarness({ artifacts: `s3://${b.bucket}/mlartifacts`, env });
  return { ...h, close: () => h.close().then(b.close) };
}

/**
 * A harness on each test backend: the home's SQLite file, PostgreSQL when MODELWORKS_TEST_POSTGRES_URI
 * is set, and with `s3` also SQLite with artifacts and objects on the test S3 server.
 */
export function harnessBackends(opts: { s3?: boolean } = {}): { name: string; start(): Promise<Harness> }[] {
  const s3 = opts.s3 ? [{ name: "sqlite + s3", start: startS3Harness }] : [];
  return testBackends()
    .map((backend) => ({
      name: backend.name as string,
      start: async () => {
        if (backend.name === "sqlite") return startHarness();
        const { uri, drop } = await backend.create();
        const h = await startHarness({ store: uri });
        return { ...h, close: () => h.close().then(drop) };
      },
    }))
    .concat(s3);
}
