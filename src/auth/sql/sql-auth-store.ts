/** The SQL {@link AuthStore} (SQLite or PostgreSQL). Needs the "auth" migrations applied. */
import type { ResourceType } from "../../core/api/access.js";
import type { Database, SqlValue } from "../../core/db/database.js";
import { MwError } from "../../core/errors.js";
import type { AuthStore, GrantRecord, TokenRecord, UserRecord } from "../auth-store.js";
import type { Permission } from "../permission.js";

interface UserRow {
  id: number | string;
  username: string;
  password_hash: string;
  is_admin: number | string;
  created_time: number | string;
}

interface TokenRow {
  id: string;
  user_id: number | string;
  name: string;
  created_time: number | string;
  expires_time: number | string | null;
  revoked_time: number | string | null;
}

interface GrantRow {
  resource_type: string;
  resource_id: string;
  user_id: number | string;
  permission: string;
}

const USER_COLUMNS = "id, username, password_hash, is_admin, created_time";
const TOKEN_COLUMNS = "id, user_id, name, created_time, expires_time, revoked_time";

const toUser = (r: UserRow): UserRecord => ({
  id: Number(r.id),
  username: r.username,
  passwordHash: r.password_hash,
  isAdmin: Number(r.is_admin) === 1,
  createdTime: Number(r.created_time),
});

const toToken = (r: TokenRow): TokenRecord => ({
  id: r.id,
  userId: Number(r.user_id),
  name: r.name,
  createdTime: Number(r.created_time),
  ...(r.expires_time !== null ? { expiresTime: Number(r.expires_time) } : {}),
  ...(r.revoked_time !== null ? { revokedTime: Number(r.revoked_time) } : {}),
});

const toGrant = (r: GrantRow): GrantRecord => ({
  resourceType: r.resource_type as ResourceType,
  resourceId: r.resource_id,
  userId: Number(r.user_id),
  permission: r.permission as Permission,
});

export class SqlAuthStore implements AuthStore {
  constructor(private readonly db: Database) {}

  async createUser(u: { username: string; passwordHash: string; isAdmin: boolean; now: number }): Promise<UserRecord> {
    // Ids are MLflow-style integers; two processes racing for the same id retry with the next one.
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.transaction(async (tx) => {
          if (await tx.get("SELECT id FROM users WHERE username = ?", [u.username]))
            throw new MwError("RESOURCE_ALREADY_EXISTS", `User '${u.username}' already exists.`);
          const row = await tx.get<{ next: number | string }>("SELECT COALESCE(MAX(id), 0) + 1 AS next FROM users");
          const id = Number(row?.next ?? 1);
          await tx.run(
            "INSERT INTO users (id, username, password_hash, is_admin, created_time) VALUES (?, ?, ?, ?, ?)",
            [id, u.username, u.passwordHash, u.isAdmin ? 1 : 0, u.now],
          );
          return { id, username: u.username, passwordHash: u.passwordHash, isAdmin: u.isAdmin, createdTime: u.now };
        });
      } catch (e) {
        if (attempt < 3 && this.db.dialect.isUniqueViolation(e)) continue;
        if (this.db.dialect.isUniqueViolation(e))
          throw new MwError("RESOURCE_ALREADY_EXISTS", `User '${u.username}' already exists.`);
        throw e;
      }
    }
  }

  async getUser(username: string): Promise<UserRecord | undefined> {
    const r = await this.db.get<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE username = ?`, [username]);
    return r ? toUser(r) : undefined;
  }

  async getUserById(id: number): Promise<UserRecord | undefined> {
    const r = await this.db.get<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ?`, [id]);
    return r ? toUser(r) : undefined;
  }

  async listUsers(): Promise<UserRecord[]> {
    return (await this.db.all<UserRow>(`SELECT ${USER_COLUMNS} FROM users ORDER BY id`)).map(toUser);
  }

  async countUsers(): Promise<number> {
    const r = await this.db.get<{ n: number | string }>("SELECT COUNT(*) AS n FROM users");
    return Number(r?.n ?? 0);
  }

  async updatePassword(username: string, passwordHash: string): Promise<boolean> {
    return (await this.db.run("UPDATE users SET password_hash = ? WHERE username = ?", [passwordHash, username])) > 0;
  }

  async updateAdmin(username: string, isAdmin: boolean): Promise<boolean> {
    return (await this.db.run("UPDATE users SET is_admin = ? WHERE username = ?", [isAdmin ? 1 : 0, username])) > 0;
  }

  async deleteUser(username: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const u = await tx.get<{ id: number | string }>("SELECT id FROM users WHERE username = ?", [username]);
      if (!u) return false;
      await tx.run("DELETE FROM api_tokens WHERE user_id = ?", [u.id as SqlValue]);
      await tx.run("DELETE FROM grants WHERE user_id = ?", [u.id as SqlValue]);
      await tx.run("DELETE FROM users WHERE id = ?", [u.id as SqlValue]);
      return true;
    });
  }

  async createToken(t: TokenRecord & { tokenHash: string }): Promise<void> {
    await this.db.run(
      "INSERT INTO api_tokens (id, user_id, name, token_hash, created_time, expires_time, revoked_time) VALUES (?, ?, ?, ?, ?, ?, NULL)",
      [t.id, t.userId, t.name, t.tokenHash, t.createdTime, t.expiresTime ?? null],
    );
  }

  async findToken(tokenHash: string): Promise<{ token: TokenRecord; user: UserRecord } | undefined> {
    const t = await this.db.get<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = ?`, [tokenHash]);
    if (!t) return undefined;
    const user = await this.getUserById(Number(t.user_id));
    return user ? { token: toToken(t), user } : undefined;
  }

  async listTokens(userId?: number): Promise<TokenRecord[]> {
    const rows =
      userId === undefined
        ? await this.db.all<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM api_tokens ORDER BY created_time, id`)
        : await this.db.all<TokenRow>(
            `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE user_id = ? ORDER BY created_time, id`,
            [userId],
          );
    return rows.map(toToken);
  }

  async revokeToken(id: string, now: number): Promise<boolean> {
    return (
      (await this.db.run("UPDATE api_tokens SET revoked_time = ? WHERE id = ? AND revoked_time IS NULL", [now, id])) > 0
    );
  }

  async setGrant(g: GrantRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO grants (resource_type, resource_id, user_id, permission) VALUES (?, ?, ?, ?)
       ON CONFLICT (resource_type, resource_id, user_id) DO UPDATE SET permission = excluded.permission`,
      [g.resourceType, g.resourceId, g.userId, g.permission],
    );
  }

  async getGrant(type: ResourceType, resourceId: string, userId: number): Promise<GrantRecord | undefined> {
    const r = await this.db.get<GrantRow>(
      "SELECT resource_type, resource_id, user_id, permission FROM grants WHERE resource_type = ? AND resource_id = ? AND user_id = ?",
      [type, resourceId, userId],
    );
    return r ? toGrant(r) : undefined;
  }

  async listGrants(filter: {
    resourceType?: ResourceType;
    resourceId?: string;
    userId?: number;
  }): Promise<GrantRecord[]> {
    const where: string[] = [];
    const args: SqlValue[] = [];
    if (filter.resourceType !== undefined) where.push("resource_type = ?") && args.push(filter.resourceType);
    if (filter.resourceId !== undefined) where.push("resource_id = ?") && args.push(filter.resourceId);
    if (filter.userId !== undefined) where.push("user_id = ?") && args.push(filter.userId);
    const sql = `SELECT resource_type, resource_id, user_id, permission FROM grants${
      where.length ? ` WHERE ${where.join(" AND ")}` : ""
    } ORDER BY resource_type, resource_id, user_id`;
    return (await this.db.all<GrantRow>(sql, args)).map(toGrant);
  }

  async deleteGrant(type: ResourceType, resourceId: string, userId: number): Promise<boolean> {
    return (
      (await this.db.run("DELETE FROM grants WHERE resource_type = ? AND resource_id = ? AND user_id = ?", [
        type,
        resourceId,
        userId,
      ])) > 0
    );
  }

  async deleteGrants(type: ResourceType, resourceId: string): Promise<void> {
    await this.db.run("DELETE FROM grants WHERE resource_type = ? AND resource_id = ?", [type, resourceId]);
  }

  async renameGrants(type: ResourceType, from: string, to: string): Promise<void> {
    await this.db.run("UPDATE grants SET resource_id = ? WHERE resource_type = ? AND resource_id = ?", [
      to,
      type,
      from,
    ]);
  }
}
