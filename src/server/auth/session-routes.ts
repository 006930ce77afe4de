/**
 * The web UI's sign-in: a user name and password (or an API token) exchanged for a session cookie
 * (HttpOnly, SameSite=Strict, Secure over TLS) and a CSRF value the page sends back on changes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AuthService } from "../../auth/auth-service.js";
import { access } from "../../core/api/access.js";
import { invalidParam, MwError } from "../../core/errors.js";
import { addJsonParser } from "../mlflow/mount-routes.js";
import { PLATFORM_PREFIX } from "../platform/mount-routes.js";
import { CSRF_COOKIE, cookieOf, SESSION_COOKIE } from "./auth-gate.js";

/** Register `/auth/me`, `/auth/sign-in`, `/auth/sign-out` in their own context (JSON bodies only). */
export async function sessionRoutes(app: FastifyInstance, opts: { auth?: AuthService | undefined }) {
  app.removeAllContentTypeParsers();
  addJsonParser(app);
  const auth = opts.auth;
  app.get(`${PLATFORM_PREFIX}/auth/me`, { config: { access: access.public } }, async (req) => {
    if (!auth) return { auth: "off" };
    const p = req.principal;
    const session = cookieOf(req, SESSION_COOKIE);
    return {
      auth: "on",
      user: p ? { username: p.username, is_admin: p.isAdmin, via: p.via } : null,
      ...(p?.via === "session" && session ? { csrf_token: auth.csrfFor(session) } : {}),
    };
  });
  app.post(`${PLATFORM_PREFIX}/auth/sign-in`, { config: { access: access.public } }, async (req, reply) => {
    if (!auth) throw new MwError("NOT_IMPLEMENTED", "Authentication is off on this server.");
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body !== "object") throw invalidParam("Expected a JSON object body.");
    const signed =
      typeof body.token === "string"
        ? await auth.signInWithToken(body.token, req.ip)
        : await auth.signIn(text(body, "username"), text(body, "password"), req.ip);
    setCookies(req, reply, signed.session, signed.csrf, signed.expiresTime);
    return { user: { username: signed.user.username, is_admin: signed.user.isAdmin }, csrf_token: signed.csrf };
  });
  app.post(`${PLATFORM_PREFIX}/auth/sign-out`, { config: { access: access.user } }, async (req, reply) => {
    const session = cookieOf(req, SESSION_COOKIE);
    if (auth && session) await auth.signOut(session);
    clearCookies(req, reply);
    return {};
  });
}

function text(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== "string" || v === "") throw invalidParam(`Missing value for required parameter '${key}'.`);
  return v;
}

/**
 * `; Secure` over TLS, also behind a TLS-terminating proxy (X-Forwarded-Proto). Trusting the header
 * is safe here: a client that lies about it only gets a cookie its browser will not send over HTTP.
 */
function secure(req: FastifyRequest): string {
  return req.protocol === "https" || req.headers["x-forwarded-proto"] === "https" ? "; Secure" : "";
}

function setCookies(req: FastifyRequest, reply: FastifyReply, session: string, csrf: string, expiresTime: number) {
  const expires = new Date(expiresTime).toUTCString();
  reply.header("set-cookie", [
    `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Strict; Expires=${expires}${secure(req)}`,
    `${CSRF_COOKIE}=${csrf}; Path=/; SameSite=Strict; Expires=${expires}${secure(req)}`,
  ]);
}

function clearCookies(req: FastifyRequest, reply: FastifyReply) {
  const gone = "Expires=Thu, 01 Jan 1970 00:00:00 GMT";
  reply.header("set-cookie", [
    `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; ${gone}${secure(req)}`,
    `${CSRF_COOKIE}=; Path=/; SameSite=Strict; ${gone}${secure(req)}`,
  ]);
}
