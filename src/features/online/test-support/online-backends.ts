/**
 * The online stores a contract suite runs against: SQLite always, Redis when
 * MODELWORKS_TEST_REDIS_URL is set (CI starts one; with CI=true a missing URL is an error, so Redis
 * is never skipped silently there). Each store gets its own key prefix, so suites never meet.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OnlineStore } from "../online-store.js";
import { openRedisOnlineStore } from "../redis/redis-online-store.js";
import { openSqliteOnlineStore } from "../sqlite/sqlite-online-store.js";

export interface OnlineBackend {
  name: "sqlite" | "redis";
  /** A fresh, empty store; `drop` closes it and removes what it wrote. */
  create(): Promise<{ store: OnlineStore; drop(): Promise<void> }>;
}

const sqlite: OnlineBackend = {
  name: "sqlite",
  create: async () => {
    const dir = mkdtempSync(join(tmpdir(), "mw-online-"));
    const store = openSqliteOnlineStore(join(dir, "online.db"));
    return {
      store,
      drop: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

function redis(url: string): OnlineBackend {
  return {
    name: "redis",
    create: async () => {
      const prefix = `mwtest:${randomBytes(6).toString("hex")}:`;
      const store = openRedisOnlineStore(url, { prefix });
      return {
        store,
        drop: async () => {
          for (const v of await store.listViews()) await store.dropView(v.view);
          await store.close();
        },
      };
    },
  };
}

/** The Redis URL of the test environment, if any (an error under CI without one). */
export function testRedisUrl(): string | undefined {
  const url = process.env.MODELWORKS_TEST_REDIS_URL;
  if (!url && process.env.CI === "true") throw new Error("MODELWORKS_TEST_REDIS_URL must be set in CI");
  return url || undefined;
}

/** Every online store available here. */
export function onlineBackends(): OnlineBackend[] {
  const url = testRedisUrl();
  return url ? [sqlite, redis(url)] : [sqlite];
}
