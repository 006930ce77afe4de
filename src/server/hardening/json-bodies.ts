/**
 * JSON-only bodies on the platform API's state-changing routes. A web page on another site can
 * POST `text/plain` or a form to this server without a CORS preflight; refusing those types (415)
 * before the body is read means such a request never reaches a handler. Raw uploads (dataset
 * files) keep their own types but still may not use the simple ones.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { requireJsonBody, requireNonSimpleBody } from "../../core/http/media-type.js";

/** The platform API's prefix (as mounted by src/server/platform/mount-routes.ts). */
const PREFIX = "/api/modelworks/v1/";
const STATE_CHANGING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Routes whose body may be a file's raw bytes (see the dataset routes in src/core/api/platform-routes.ts). */
export const RAW_BODY_ROUTES: ReadonlySet<string> = new Set([
  "/api/modelworks/v1/datasets",
  "/api/modelworks/v1/datasets/:name/versions/:version/validate",
  "/api/modelworks/v1/features/get-historical",
]);

/** Check one request; throws UNSUPPORTED_MEDIA_TYPE for a body of a type the route does not take. */
export function checkPlatformBody(req: FastifyRequest): void {
  if (!STATE_CHANGING.has(req.method)) return;
  const route = req.routeOptions.url;
  if (route === undefined || !route.startsWith(PREFIX)) return;
  const what = `${req.method} ${route}`;
  if (RAW_BODY_ROUTES.has(route)) requireNonSimpleBody(req.headers, what);
  else requireJsonBody(req.headers, what);
}

/** Refuse non-JSON bodies on the platform API's state-changing routes, before they are read. */
export function installJsonOnlyBodies(app: FastifyInstance): void {
  app.addHook("onRequest", (req, _reply, done) => {
    try {
      checkPlatformBody(req);
      done();
    } catch (e) {
      done(e as Error);
    }
  });
}
