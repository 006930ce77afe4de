/**
 * Users, API tokens, UI sessions and grants, and the two questions every request asks: who is
 * calling (`authenticate`) and what may they do with a resource (`permissionOf`).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { ResourceType } from "../core/api/access.js";
import type { Clock } from "../core/clock.js";
import { invalidParam, MwError, notFound } from "../core/errors.js";
import type { AuthStore, GrantRecord, TokenRecord, UserRecord } from "./auth-store.js";
import { EVERYONE } from "./auth-store.js";
import { hashPassword, verifyPassword } from "./password.js";
import type { Permission } from "./permission.js";
import type { Principal } from "./principal.js";
import { FailureLimiter } from "./rate-limit.js";
import type { Loaded } from "./revalidating-cache.js";
import { RevalidatingCache } from "./revalidating-cache.js";
import { hashToken, looksLikeToken, newToken } from "./token.js";

export interface AuthServiceOptions {
  store: AuthStore;
  clock: Clock;
  /** What a signed-in user may do on a resource without a grant (MLflow's `default_permission`, READ). */
  defaultPermission?: Permission;
  /** How long a verified credential or grant is trusted before the store is asked again (default 5 s). */
  cacheMs?: number;
  /**
   * How long past that a credential or grant seen before is still honoured while the store cannot
   * answer (default 10 min): a database outage or lock does not turn away callers seen lately.
   */
  staleGraceMs?: number;
}

/** What a request presents: the Authorization header and the UI's session cookie. */
export interface Credentials {
  authorization?: string | undefined;
  session?: string | undefined;
  /** The caller's address, for rate limiting failed sign-ins. */
  address?: string | undefined;
}

const USERNAME = /^[A-Za-z0-9_.@+-]{1,128}$/;
/** Failed sign-ins allowed per minute for one user name, and for one address (many users behind a proxy). */
const USER_LIMIT = 10;
const ADDRESS_LIMIT = 50;
const SESSION_NAME = "ui-session";

export class AuthService {
  readonly defaultPermission: Permission;
  private readonly store: AuthStore;
  private readonly clock: Clock;
  private readonly principals: RevalidatingCache<string, Principal>;
  private readonly grants: RevalidatingCache<string, Permission | undefined>;
  private readonly limiter = new FailureLimiter();

  constructor(o: AuthServiceOptions) {
    this.store = o.store;
    this.clock = o.clock;
    this.defaultPermission = o.defaultPermission ?? "read";
    const times = { freshMs: o.cacheMs ?? 5000, graceMs: o.staleGraceMs ?? 600_000, now: () => o.clock.now() };
    this.principals = new RevalidatingCache({ ...times, maxEntries: 10_000 });
    this.grants = new RevalidatingCache({ ...times, maxEntries: 50_000 });
  }

  /**
   * The caller, or undefined when no credentials were presented. Wrong, expired or revoked
   * credentials are UNAUTHENTICATED; too many failures from one name or address are rate limited.
   */
  async authenticate(c: Credentials): Promise<Principal | undefined> {
    const auth = c.authorization?.trim();
    if (auth) {
      const space = auth.indexOf(" ");
      const scheme = (space < 0 ? auth : auth.slice(0, space)).toLowerCase();
      const value = space < 0 ? "" : auth.slice(space + 1).trim();
      if (scheme === "bearer") return this.byToken(value, "token", c.address);
      if (scheme === "basic") return this.byBasic(value, c.address);
      throw new MwError("UNAUTHENTICATED", `Unsupported Authorization scheme '${scheme}': use Bearer or Basic.`);
    }
    if (c.session) return this.byToken(c.session, "session", c.address);
    return undefined;
  }

  /** A quick answer from the cache only (the serving fast path): the principal of a bearer token seen lately. */
  cachedBearer(authorization: string | undefined): Principal | undefined {
    if (!authorization?.startsWith("Bearer ")) return undefined;
    const token = authorization.slice(7).trim();
    return this.principals.peek(`t:${token}`, () => this.verifyToken(token, "token"))?.value;
  }

  /** Sign in with a user name and password (the UI); returns a new session token and its CSRF value. */
  async signIn(
    username: string,
    password: string,
    address?: string,
  ): Promise<{ session: string; csrf: string; user: UserRecord; expiresTime: number }> {
    const user = await this.checkPassword(username, password, address);
    const expiresTime = this.clock.now() + 12 * 3600_000;
    const { token } = await this.issueToken(user.id, SESSION_NAME, expiresTime);
    return { session: token, csrf: csrfFor(token), user, expiresTime };
  }

  /** Sign in with an API token (a link the CLI printed); the session belongs to the token's user. */
  async signInWithToken(
    token: string,
    address?: string,
  ): Promise<{ session: string; csrf: string; user: UserRecord; expiresTime: number }> {
    const p = await this.byToken(token, "token", address);
    const user = await this.store.getUserById(p.userId);
    if (!user) throw new MwError("UNAUTHENTICATED", "Invalid, expired or revoked token.");
    const expiresTime = this.clock.now() + 12 * 3600_000;
    const { token: session } = await this.issueToken(user.id, SESSION_NAME, expiresTime);
    return { session, csrf: csrfFor(session), user, expiresTime };
  }

  /** The CSRF value that goes with a session. */
  csrfFor(session: string): string {
    return csrfFor(session);
  }

  /** End a UI session. */
  async signOut(session: string): Promise<void> {
    const found = await this.store.findToken(hashToken(session));
    if (found) await this.store.revokeToken(found.token.id, this.clock.now());
    this.principals.delete(`t:${session}`);
  }

  /** True when `given` is the CSRF value of `session` (compared in constant time). */
  csrfMatches(session: string, given: string | undefined): boolean {
    if (!given) return false;
    const a = Buffer.from(csrfFor(session));
    const b = Buffer.from(given);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  // Users

  /** Create a user (MLflow's users/create). */
  async createUser(username: string, password: string, isAdmin = false): Promise<UserRecord> {
    if (!USERNAME.test(username))
      throw invalidParam(`Invalid value for 'username': expected 1-128 letters, digits or _.@+-, got '${username}'.`);
    checkPassword(password);
    return this.store.createUser({
      username,
      passwordHash: await hashPassword(password),
      isAdmin,
      now: this.clock.now(),
    });
  }

  /** A user by name, or RESOURCE_DOES_NOT_EXIST. */
  async getUser(username: string): Promise<UserRecord> {
    const u = await this.store.getUser(username);
    if (!u) throw notFound(`User '${username}' does not exist.`);
    return u;
  }

  listUsers(): Promise<UserRecord[]> {
    return this.store.listUsers();
  }

  countUsers(): Promise<number> {
    return this.store.countUsers();
  }

  async updatePassword(username: string, password: string): Promise<void> {
    checkPassword(password);
    if (!(await this.store.updatePassword(username, await hashPassword(password))))
      throw notFound(`User '${username}' does not exist.`);
    this.principals.clear();
  }

  async updateAdmin(username: string, isAdmin: boolean): Promise<void> {
    if (!(await this.store.updateAdmin(username, isAdmin))) throw notFound(`User '${username}' does not exist.`);
    this.principals.clear();
  }

  async deleteUser(username: string): Promise<void> {
    if (!(await this.store.deleteUser(username))) throw notFound(`User '${username}' does not exist.`);
    this.principals.clear();
    this.grants.clear();
  }

  // Tokens

  /** Issue an API token for a user; the secret is returned once and only its hash is kept. */
  async issueToken(
    userId: number,
    name: string,
    expiresTime?: number,
  ): Promise<{ token: string; record: TokenRecord }> {
    if (name.length === 0 || name.length > 128)
      throw invalidParam("Invalid value for 'name': expected 1-128 characters.");
    const { token, id } = newToken();
    const record: TokenRecord = {
      id,
      userId,
      name,
      createdTime: this.clock.now(),
      ...(expiresTime !== undefined ? { expiresTime } : {}),
    };
    await this.store.createToken({ ...record, tokenHash: hashToken(token) });
    return { token, record };
  }

  /** A user's tokens (UI sessions left out), or everyone's for `undefined`. */
  async listTokens(userId?: number): Promise<TokenRecord[]> {
    return (await this.store.listTokens(userId)).filter((t) => t.name !== SESSION_NAME);
  }

  /** Revoke a token; only its owner or an admin may. */
  async revokeToken(id: string, by: Principal): Promise<void> {
    const mine = by.isAdmin ? undefined : by.userId;
    const found = (await this.store.listTokens(mine)).find((t) => t.id === id);
    if (!found) throw notFound(`Token '${id}' does not exist.`);
    await this.store.revokeToken(id, this.clock.now());
    this.principals.clear();
  }

  // Grants

  /** The caller's level on a resource: admin → manage; else their grant, the public grant or the default. */
  async permissionOf(p: Principal | undefined, type: ResourceType, id: string): Promise<Permission> {
    if (p?.isAdmin) return "manage";
    const everyone = await this.grantOf(type, id, EVERYONE);
    if (!p) return everyone === "read" ? "read" : "none";
    const own = await this.grantOf(type, id, p.userId);
    return own ?? this.defaultPermission;
  }

  /**
   * The caller's level from the caches alone (the serving fast path), or undefined when the store
   * would have to be asked.
   */
  cachedPermissionOf(p: Principal | undefined, type: ResourceType, id: string): Permission | undefined {
    if (p?.isAdmin) return "manage";
    const everyone = this.grants.peek(grantKey(type, id, EVERYONE), () => this.loadGrant(type, id, EVERYONE));
    if (!everyone) return undefined;
    if (!p) return everyone.value === "read" ? "read" : "none";
    const own = this.grants.peek(grantKey(type, id, p.userId), () => this.loadGrant(type, id, p.userId));
    if (!own) return undefined;
    return own.value ?? this.defaultPermission;
  }

  /** True when a resource was made public (anyone may read it, or predict with a deployment). */
  async isPublic(type: ResourceType, id: string): Promise<boolean> {
    return (await this.grantOf(type, id, EVERYONE)) === "read";
  }

  async setGrant(g: GrantRecord): Promise<void> {
    await this.store.setGrant(g);
    this.grants.clear();
  }

  async getGrant(type: ResourceType, id: string, userId: number): Promise<GrantRecord> {
    const g = await this.store.getGrant(type, id, userId);
    if (!g) throw notFound(`No permission on ${type} '${id}' for this user.`);
    return g;
  }

  listGrants(filter: { resourceType?: ResourceType; resourceId?: string; userId?: number }): Promise<GrantRecord[]> {
    return this.store.listGrants(filter);
  }

  async deleteGrant(type: ResourceType, id: string, userId: number): Promise<void> {
    if (!(await this.store.deleteGrant(type, id, userId)))
      throw notFound(`No permission on ${type} '${id}' for this user.`);
    this.grants.clear();
  }

  async deleteGrants(type: ResourceType, id: string): Promise<void> {
    await this.store.deleteGrants(type, id);
    this.grants.clear();
  }

  async renameGrants(type: ResourceType, from: string, to: string): Promise<void> {
    await this.store.renameGrants(type, from, to);
    this.grants.clear();
  }

  private grantOf(type: ResourceType, id: string, userId: number): Promise<Permission | undefined> {
    return this.grants.get(grantKey(type, id, userId), () => this.loadGrant(type, id, userId));
  }

  private async loadGrant(type: ResourceType, id: string, userId: number): Promise<Loaded<Permission | undefined>> {
    return { value: (await this.store.getGrant(type, id, userId))?.permission };
  }

  private byToken(token: string, via: "token" | "session", address?: string): Promise<Principal> {
    // Cached by the token itself (this process sees it in every request anyway), so a hit costs no hash.
    return this.principals.get(`t:${token}`, () => this.verifyToken(token, via, address));
  }

  private async verifyToken(token: string, via: "token" | "session", address?: string): Promise<Loaded<Principal>> {
    const hash = hashToken(token);
    const found = looksLikeToken(token) ? await this.store.findToken(hash) : undefined;
    const now = this.clock.now();
    const t = found?.token;
    if (!found || !t || t.revokedTime !== undefined || (t.expiresTime !== undefined && t.expiresTime <= now)) {
      // Tokens are 256 random bits: guessing is hopeless, so a valid token is never throttled; a
      // stream of wrong ones from one address is answered 429 instead of 401 once over the limit.
      const key = `addr:${address ?? "?"}`;
      this.limiter.fail(key, now);
      this.throttle(key, ADDRESS_LIMIT);
      throw new MwError(
        "UNAUTHENTICATED",
        via === "session" ? "The session has ended: sign in again." : "Invalid, expired or revoked token.",
      );
    }
    const principal: Principal = {
      userId: found.user.id,
      username: found.user.username,
      isAdmin: found.user.isAdmin,
      via: t.name === SESSION_NAME ? "session" : via,
      tokenId: t.id,
    };
    return { value: principal, expiresAt: t.expiresTime };
  }

  private async byBasic(value: string, address?: string): Promise<Principal> {
    let decoded: string;
    try {
      decoded = Buffer.from(value, "base64").toString("utf8");
    } catch {
      decoded = "";
    }
    const colon = decoded.indexOf(":");
    if (colon < 0)
      throw new MwError("UNAUTHENTICATED", "Malformed Basic credentials: expected base64 of 'user:password'.");
    const username = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    // Verified pairs are cached under a hash of both, so scrypt runs once per pair per cache period.
    const key = `b:${createHash("sha256").update(decoded).digest("hex")}`;
    return this.principals.get(key, async () => {
      const user = await this.checkPassword(username, password, address);
      return { value: { userId: user.id, username: user.username, isAdmin: user.isAdmin, via: "basic" } };
    });
  }

  private async checkPassword(username: string, password: string, address?: string): Promise<UserRecord> {
    // Passwords can be guessed: a name or an address past its failures waits, right or wrong.
    this.throttle(`user:${username}`, USER_LIMIT);
    this.throttle(`addr:${address ?? "?"}`, ADDRESS_LIMIT);
    const keys = [`user:${username}`, `addr:${address ?? "?"}`];
    const user = await this.store.getUser(username);
    // A missing user costs a hash too, so timing does not tell which names exist.
    const ok = user ? await verifyPassword(password, user.passwordHash) : await verifyPassword(password, DUMMY_HASH);
    if (!user || !ok) {
      for (const k of keys) this.limiter.fail(k, this.clock.now());
      throw new MwError("UNAUTHENTICATED", "Invalid user name or password.");
    }
    this.limiter.clear(`user:${username}`);
    return user;
  }

  private throttle(key: string, max: number): void {
    const wait = this.limiter.retryAfterMs(key, this.clock.now(), max);
    if (wait > 0)
      throw new MwError(
        "REQUEST_LIMIT_EXCEEDED",
        `Too many failed sign-ins: try again in ${Math.ceil(wait / 1000)} s.`,
      );
  }
}

const grantKey = (type: ResourceType, id: string, userId: number) => `${type}\u0000${id}\u0000${userId}`;

/** A well-formed hash no password matches quickly enough to matter (for missing users). */
const DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

function checkPassword(password: string): void {
  if (typeof password !== "string" || password.length < 8 || password.length > 1024)
    throw invalidParam("Invalid value for 'password': expected 8 to 1024 characters.");
}

/** The CSRF value of a UI session: derived from it, so it cannot be guessed without the cookie. */
function csrfFor(session: string): string {
  return createHash("sha256").update(`csrf:${session}`).digest("base64url");
}
