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
];
