/** Mounts the users, tokens and grants routes (MLflow's auth API and the platform's) with their handlers. */
import type { FastifyInstance } from "fastify";
import type { AuditLog } from "../../auth/audit-log.js";
import type { AuthService } from "../../auth/auth-service.js";
import { LOCAL_ADMIN } from "../../auth/principal.js";
import { mlflowAuthRoutes, platformAuthRoutes } from "../../core/api/auth-routes.js";
import type { RouteDef } from "../../core/api/route.js";
import { MwError } from "../../core/errors.js";
import { parseRequest } from "../../core/schema.js";
import { API_PREFIXES, addJsonParser } from "../mlflow/mount-routes.js";
import { PLATFORM_PREFIX } from "../platform/mount-routes.js";
import { fieldsOf } from "./auth-gate.js";
import { authHandlers } from "./auth-handlers.js";

/** A Fastify plugin (own context: JSON bodies) for the auth routes; 501 when authentication is off. */
export async function authRoutesPlugin(
  app: FastifyInstance,
  opts: { auth?: AuthService | undefined; audit?: AuditLog | undefined },
) {
  app.removeAllContentTypeParsers();
  addJsonParser(app);
  const handlers = opts.auth ? authHandlers(opts.auth, opts.audit) : undefined;
  const mount = (prefixes: readonly string[], table: Record<string, RouteDef>) => {
    for (const [name, def] of Object.entries(table)) {
      for (const prefix of prefixes)
        for (const method of def.methods)
          app.route({
            method,
            url: prefix + def.path,
            config: { access: def.access, routeName: name },
            handler: async (req) => {
              const handler = handlers?.[name];
              if (!handler)
                throw new MwError(
                  "NOT_IMPLEMENTED",
                  "Authentication is off on this server: there are no users or grants.",
                );
              if (method !== "GET" && req.body !== undefined && (req.body === null || typeof req.body !== "object"))
                throw new MwError("UNSUPPORTED_MEDIA_TYPE", 'Content-Type must be "application/json".');
              const parsed = parseRequest(def.request, fieldsOf(req), method === "GET" ? "query" : "json");
              return handler(parsed as Record<string, unknown>, req.principal ?? LOCAL_ADMIN);
            },
          });
    }
  };
  mount(API_PREFIXES, mlflowAuthRoutes);
  mount([PLATFORM_PREFIX], platformAuthRoutes);
}
