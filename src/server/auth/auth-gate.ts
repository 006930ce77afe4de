/**
 * Authentication and authorization for every route of an app. Each route declares its
 * {@link Access} in `config.access` (the route tables carry it); a route without one cannot be
 * registered, on or off. With authentication off (an explicit choice of the CLI, loopback only)
 * routes are still declared but nothing is checked.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AuthService } from "../../auth/auth-service.js";
import { allows } from "../../auth/permission.js";
import type { Principal } from "../../auth/principal.js";
import { runAsActor } from "../../core/actor.js";
import type { Access, Level, ResourceType } from "../../core/api/access.js";
import { MwError } from "../../core/errors.js";
import type { AuditRecorder } from "./audit-recorder.js";
import { auditTargetOf } from "./audit-recorder.js";
import { filterListing } from "./list-filter.js";
import type { Fields, ResourceResolver } from "./resource-resolver.js";

/** Whether and how requests are checked. */
export type AuthPolicy = { mode: "off" } | { mode: "on"; service: AuthService };

/** Authentication off: only for tests and an explicit `--no-auth` on loopback. */
export const AUTH_OFF: AuthPolicy = { mode: "off" };

/** The UI's session cookie and the header that carries its CSRF value. */
export const SESSION_COOKIE = "mw_session";
export const CSRF_COOKIE = "mw_csrf";
export const CSRF_HEADER = "x-csrf-token";

/** What a route may carry in its Fastify `config`. */
export interface RouteAuthConfig {
  access?: Access;
  /** The route table's name of the route (for the effects of creating, renaming, deleting). */
  routeName?: string;
  /** The deployment a `predict` route serves for this request. */
  deployment?: (req: FastifyRequest) => string | undefined;
}

declare module "fastify" {
  interface FastifyInstance {
    /** Every route registered on the app, with its declared access. */
    declaredRoutes: DeclaredRoute[];
  }
  interface FastifyRequest {
    principal: Principal | undefined;
    /** A resource this request creates (granted to its creator once it succeeds). */
    creates: { type: ResourceType; id: string } | undefined;
  }
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** A registered route and what it needs (for listings and the authorization matrix test). */
export interface DeclaredRoute {
  method: string;
  url: string;
  access: Access;
  routeName?: string;
}

/**
 * Refuse to register a route that declares no access (checked on every app, auth on or off), and
 * keep the list of routes in `app.declaredRoutes`.
 */
export function requireDeclaredAccess(app: FastifyInstance): void {
  const routes: DeclaredRoute[] = [];
  app.decorate("declaredRoutes", routes);
  app.addHook("onRoute", (route) => {
    const config = route.config as RouteAuthConfig | undefined;
    if (!config?.access)
      throw new Error(`Route ${String(route.method)} ${route.url} declares no access (config.access).`);
    for (const method of [route.method].flat())
      routes.push({
        method,
        url: route.url,
        access: config.access,
        ...(config.routeName ? { routeName: config.routeName } : {}),
      });
  });
}

/** Install the checks on `app` (before any route is registered). */
export function installAuthGate(
  app: FastifyInstance,
  policy: AuthPolicy,
  resolver: ResourceResolver,
  audit?: AuditRecorder,
): void {
  requireDeclaredAccess(app);
  app.decorateRequest("principal", undefined);
  app.decorateRequest("creates", undefined);
  app.decorateRequest("audit", undefined);
  if (policy.mode === "off") return;
  const auth = policy.service;
  app.addHook("onRequest", async (req, reply) => {
    const access = configOf(req).access;
    if (!access) return; // no such route: the 404 handler answers
    try {
      req.principal = await auth.authenticate(credentialsOf(req));
    } catch (e) {
      if (access.kind === "public") return;
      // Only refused credentials are 401/429: a store that cannot answer (503) or a bug (500) goes
      // to the error handler, which gives it a request id and a log line.
      if (!refused(e)) throw e;
      return unauthenticated(req, reply, (e as Error).message, e);
    }
    if (access.kind === "public") return;
    // A session is a cookie the browser sends by itself, so changes need the page's CSRF value too.
    if (req.principal?.via === "session" && !SAFE_METHODS.has(req.method)) {
      const session = cookieOf(req, SESSION_COOKIE) as string;
      if (!auth.csrfMatches(session, headerOf(req, CSRF_HEADER)))
        throw new MwError("PERMISSION_DENIED", `Missing or wrong ${CSRF_HEADER} header for this session.`);
    }
    if (access.kind === "predict") return;
    if (!req.principal)
      return unauthenticated(
        req,
        reply,
        "Authentication required: send a token (Authorization: Bearer) or user name and password (Basic).",
      );
  });
  app.addHook("preHandler", async (req) => {
    const config = configOf(req);
    if (config.access) await authorize(auth, resolver, req, config, audit);
  });
  // The handler (and what it starts) runs as the caller, so events it writes can name them.
  // Not scoring routes: they write no events, and the first AsyncLocalStorage.run turns on
  // async hooks for every request after it (about 2 % of a one-row request's time, and garbage).
  app.addHook("preHandler", (req, _reply, done) => {
    if (req.principal && configOf(req).access?.kind !== "predict") runAsActor(req.principal.username, done);
    else done();
  });
  if (audit)
    app.addHook("onResponse", async (req, reply) => {
      if (req.audit)
        await audit.finish(req, reply, configOf(req)).catch((e: unknown) => req.log.error({ err: e }, "audit"));
    });
  app.addHook("onSend", async (req, reply, payload) => {
    const config = configOf(req);
    if (!config.access || reply.statusCode >= 300 || !req.principal) return payload;
    await grantCreator(auth, req, config, payload);
    if (config.access.kind === "user" && config.access.list && !req.principal.isAdmin)
      return filterListing(auth, req.principal, config.access.list, payload);
    return payload;
  });
}

async function authorize(
  auth: AuthService,
  resolver: ResourceResolver,
  req: FastifyRequest,
  config: RouteAuthConfig,
  audit: AuditRecorder | undefined,
) {
  const access = config.access as Access;
  const p = req.principal;
  // Changes are audited with the resources they name, refused or not (admins' too).
  const changes = audit && p && !SAFE_METHODS.has(req.method);
  const ids =
    access.kind === "resource" && (changes || !p?.isAdmin) ? await resolver.ids(access.ref, fieldsOf(req)) : [];
  const target = changes ? auditTargetOf(req, config, ids) : undefined;
  if (audit && target) await audit.begin(req, target);
  switch (access.kind) {
    case "public":
    case "user":
      return;
    case "admin":
      if (!p?.isAdmin) throw denied("This needs an admin.");
      return;
    case "self": {
      const name = fieldsOf(req).username;
      if (!p?.isAdmin && name !== p?.username) throw denied("Only the user themself or an admin may do this.");
      return;
    }
    case "predict": {
      const deployment = config.deployment?.(req);
      if (deployment === undefined) {
        if (!p) throw new MwError("UNAUTHENTICATED", "Authentication required to predict.");
        return;
      }
      const level = await auth.permissionOf(p, "deployment", deployment);
      if (allows(level, "read")) return;
      if (!p)
        throw new MwError(
          "UNAUTHENTICATED",
          `Deployment '${deployment}' is not public: send a token with predict permission.`,
        );
      throw denied(`No predict permission on deployment '${deployment}'.`);
    }
    case "resource": {
      if (p?.isAdmin) return;
      // A search over several experiments leaves out the ones the caller may not read (MLflow
      // 2.12 checked nothing there); refused only when none is left.
      if (access.ref === "experiment_ids" && ids.length > 0) {
        const readable = [];
        for (const id of ids) if (allows(await auth.permissionOf(p, access.type, id), access.level)) readable.push(id);
        if (readable.length === 0) throw denied(`Permission denied: READ on none of experiments ${ids.join(", ")}.`);
        narrowField(req, "experiment_ids", readable);
        return;
      }
      for (const id of ids) {
        if (access.orCreate && !(await resolver.exists(access.type, id))) {
          req.creates = { type: access.type, id };
          continue;
        }
        await requireLevel(auth, p, access, id);
      }
      if (access.also)
        for (const id of await resolver.ids(access.also.ref, fieldsOf(req)))
          await requireLevel(auth, p, access.also, id);
    }
  }
}

async function requireLevel(
  auth: AuthService,
  p: Principal | undefined,
  need: { type: ResourceType; level: Level },
  id: string,
): Promise<void> {
  if (!allows(await auth.permissionOf(p, need.type, id), need.level))
    throw denied(`Permission denied: ${need.level.toUpperCase()} on ${need.type.replace("_", " ")} '${id}' is needed.`);
}

/** Replace a list field of the request (JSON body or query) before the handler parses it. */
function narrowField(req: FastifyRequest, key: string, values: string[]): void {
  const body = req.body;
  if (body && typeof body === "object" && !Array.isArray(body) && key in body) (body as Fields)[key] = values;
  const query = req.query as Fields | undefined;
  if (query && key in query) query[key] = values;
}

/** The creator of an experiment, registered model, dataset or deployment manages it (MLflow's rule). */
async function grantCreator(auth: AuthService, req: FastifyRequest, config: RouteAuthConfig, payload: unknown) {
  const p = req.principal as Principal;
  if (p.via === "local") return;
  const access = config.access as Access;
  let created = req.creates;
  if (access.kind === "user" && access.creates) {
    const fields = fieldsOf(req);
    const id =
      access.creates === "experiment"
        ? jsonField(payload, "experiment_id")
        : typeof fields.name === "string"
          ? fields.name
          : undefined;
    if (id !== undefined) created = { type: access.creates, id };
  }
  if (created) {
    await auth.setGrant({ resourceType: created.type, resourceId: created.id, userId: p.userId, permission: "manage" });
    // The audit names what was made by its id (an experiment's comes with the answer).
    if (req.audit) req.audit.target = { type: created.type, id: created.id };
  }
  const fields = fieldsOf(req);
  if (
    config.routeName === "renameRegisteredModel" &&
    typeof fields.name === "string" &&
    typeof fields.new_name === "string"
  )
    await auth.renameGrants("registered_model", fields.name, fields.new_name);
  if (config.routeName === "deleteRegisteredModel" && typeof fields.name === "string")
    await auth.deleteGrants("registered_model", fields.name);
  if (config.routeName === "deleteDeployment" && typeof fields.name === "string")
    await auth.deleteGrants("deployment", fields.name);
}

function jsonField(payload: unknown, key: string): string | undefined {
  if (typeof payload !== "string") return undefined;
  try {
    const v = (JSON.parse(payload) as Record<string, unknown>)[key];
    return typeof v === "string" ? v : undefined;
  } catch {
    return undefined;
  }
}

function configOf(req: FastifyRequest): RouteAuthConfig {
  return (req.routeOptions.config ?? {}) as RouteAuthConfig;
}

/** Query, path parameters and a JSON object body, merged (path parameters win). */
export function fieldsOf(req: FastifyRequest): Fields {
  const body = req.body;
  const json = body && typeof body === "object" && !Array.isArray(body) && !("pipe" in body) ? body : {};
  return { ...(req.query as Fields), ...(json as Fields), ...(req.params as Fields) };
}

function credentialsOf(req: FastifyRequest) {
  return { authorization: headerOf(req, "authorization"), session: cookieOf(req, SESSION_COOKIE), address: req.ip };
}

function headerOf(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** One cookie's value from the Cookie header. */
export function cookieOf(req: { headers: Record<string, unknown> }, name: string): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== "string") return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

function denied(message: string): MwError {
  return new MwError("PERMISSION_DENIED", message);
}

/** Credentials turned down (wrong, expired, revoked, or too many tries), as opposed to a failure to check them. */
function refused(e: unknown): boolean {
  return e instanceof MwError && (e.code === "UNAUTHENTICATED" || e.code === "REQUEST_LIMIT_EXCEEDED");
}

function unauthenticated(req: FastifyRequest, reply: FastifyReply, message: string, cause?: unknown) {
  const limited = cause instanceof MwError && cause.code === "REQUEST_LIMIT_EXCEEDED";
  // Browsers would pop up a password dialog for the UI's own requests; API clients get the hint.
  if (!limited && headerOf(req, "x-modelworks-ui") === undefined)
    reply.header("www-authenticate", 'Basic realm="modelworks"');
  const code = limited ? "REQUEST_LIMIT_EXCEEDED" : "UNAUTHENTICATED";
  return reply.status(limited ? 429 : 401).send({ error_code: code, message });
}
