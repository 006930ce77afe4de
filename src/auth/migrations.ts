/** The auth schema: users, API tokens, grants on resources. */
import type { Migration } from "../core/db/migrate.js";

export const authMigrations: readonly Migration[] = [
  {
    module: "auth",
    version: 1,
    name: "users, api tokens, grants",
    statements: [
      `CREATE TABLE users (
        id BIGINT PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        is_admin INTEGER NOT NULL DEFAULT 0,
        created_time BIGINT NOT NULL
      )`,
      `CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        user_id BIGINT NOT NULL,
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_time BIGINT NOT NULL,
        expires_time BIGINT,
        revoked_time BIGINT
      )`,
      "CREATE INDEX api_tokens_user ON api_tokens (user_id)",
      `CREATE TABLE grants (
        resource_type TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        user_id BIGINT NOT NULL,
        permission TEXT NOT NULL,
        PRIMARY KEY (resource_type, resource_id, user_id)
      )`,
      "CREATE INDEX grants_user ON grants (user_id)",
    ],
  },
  {
    module: "auth",
    version: 2,
    name: "audit log",
    statements: [
      `CREATE TABLE audit_log (
        id TEXT PRIMARY KEY,
        time BIGINT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target_type TEXT NOT NULL,
        target TEXT NOT NULL,
        status INTEGER NOT NULL,
        address TEXT,
        request_json TEXT,
        before_json TEXT,
        after_json TEXT
      )`,
      "CREATE INDEX audit_log_time ON audit_log (time)",
      "CREATE INDEX audit_log_target ON audit_log (target_type, target, time)",
    ],
  },
];
