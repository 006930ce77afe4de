/**
 * The backends a contract suite runs against: SQLite always, PostgreSQL when
 * MODELWORKS_TEST_POSTGRES_URI is set (CI sets it; with CI=true a missing URI is an error, so
 * PostgreSQL is never skipped silently there).
 */
import { randomBytes } from "node:crypto";
import type { Database } from "../database.js";
import { openPostgres } from "../postgres/postgres-database.js";
import { openSqlite } from "../sqlite/sqlite-database.js";

export interface TestBackend {
  name: "sqlite" | "postgres";
  /** A fresh, empty database; `drop` removes it. */
  create(): Promise<{ db: Database; uri: string; drop(): Promise<void> }>;
}

const sqlite: TestBackend = {
  name: "sqlite",
  create: async () => {
    const db = openSqlite(":memory:");
    return { db, uri: "sqlite:///:memory:", drop: () => db.close() };
  },
};

function postgres(adminUri: string): TestBackend {
  return {
    name: "postgres",
    create: async () => {
      const name = `mw_test_${randomBytes(6).toString("hex")}`;
      const admin = openPostgres(adminUri, { max: 1 });
      await admin.exec(`CREATE DATABASE ${name}`);
      const url = new URL(adminUri);
      url.pathname = `/${name}`;
      const db = openPostgres(url.toString());
      return {
        db,
        uri: url.toString(),
        drop: async () => {
          await db.close();
          await admin.exec(`DROP DATABASE IF EXISTS ${name}`);
          await admin.close();
        },
      };
    },
  };
}

/** The backends for this test run. */
export function testBackends(env: NodeJS.ProcessEnv = process.env): TestBackend[] {
  const pg = env.MODELWORKS_TEST_POSTGRES_URI;
  if (!pg && env.CI === "true") throw new Error("CI=true but MODELWORKS_TEST_POSTGRES_URI is not set");
  return pg ? [sqlite, postgres(pg)] : [sqlite];
}
