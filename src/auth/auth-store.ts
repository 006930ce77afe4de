/** Storage of users, API tokens and grants; one SQL implementation for SQLite and PostgreSQL. */
import type { ResourceType } from "../core/api/access.js";
import type { Permission } from "./permission.js";

/** A user as stored (the password hash never leaves the auth module). */
export interface UserRecord {
  id: number;
  username: string;
  passwordHash: string;
  isAdmin: boolean;
  createdTime: number;
}

/** An API token's record (its secret is not stored, only its hash). */
export interface TokenRecord {
  id: string;
  userId: number;
  name: string;
  createdTime: number;
  expiresTime?: number;
  revokedTime?: number;
}

/** One grant: `permission` for `userId` on a resource. */
export interface GrantRecord {
  resourceType: ResourceType;
  resourceId: string;
  userId: number;
  permission: Permission;
}

/** The user id of grants that apply to everyone, anonymous callers included (public deployments). */
export const EVERYONE = 0;

export interface AuthStore {
  /** Create a user; RESOURCE_ALREADY_EXISTS when the name is taken. */
  createUser(u: { username: string; passwordHash: string; isAdmin: boolean; now: number }): Promise<UserRecord>;
  getUser(username: string): Promise<UserRecord | undefined>;
  getUserById(id: number): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  countUsers(): Promise<number>;
  updatePassword(username: string, passwordHash: string): Promise<boolean>;
  updateAdmin(username: string, isAdmin: boolean): Promise<boolean>;
  /** Delete a user with their tokens and grants. */
  deleteUser(username: string): Promise<boolean>;

  createToken(t: TokenRecord & { tokenHash: string }): Promise<void>;
  /** The token with this hash and its user, if any (expired and revoked ones too: the caller decides). */
  findToken(tokenHash: string): Promise<{ token: TokenRecord; user: UserRecord } | undefined>;
  listTokens(userId?: number): Promise<TokenRecord[]>;
  revokeToken(id: string, now: number): Promise<boolean>;

  /** Set (insert or replace) a grant. */
  setGrant(g: GrantRecord): Promise<void>;
  getGrant(type: ResourceType, resourceId: string, userId: number): Promise<GrantRecord | undefined>;
  /** The grants of one resource, or of one user. */
  listGrants(filter: { resourceType?: ResourceType; resourceId?: string; userId?: number }): Promise<GrantRecord[]>;
  deleteGrant(type: ResourceType, resourceId: string, userId: number): Promise<boolean>;
  /** Drop every grant on a resource (it was deleted). */
  deleteGrants(type: ResourceType, resourceId: string): Promise<void>;
  /** Move a resource's grants to its new name (a registered model was renamed). */
  renameGrants(type: ResourceType, from: string, to: string): Promise<void>;
}
