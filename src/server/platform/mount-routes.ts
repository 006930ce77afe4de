/**
 * Mount the platform route table at /api/modelworks/v1. JSON bodies are parsed; any other body
 * stays a raw stream for the handler (dataset uploads are streamed, never buffered).
 */
import { Readable } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { PlatformRouteName } from "../../core/api/platform-routes.js";
import { platformRoutes } from "../../core/api/platform-routes.js";
import type { RouteDef } from "../../core/api/route.js";
import { isStreamedFile } from "../../core/api/streamed-file.js";
import { parseRequest } from "../../core/schema.js";
import { addJsonParser } from "../mlflow/mount-routes.js";
import type { PlatformHandlers } from "./handlers.js";

export const PLATFORM_PREFIX = "/api/modelworks/v1";

type AnyHandler = (req: unknown, body?: Readable) => Promise<unknown>;

/** A Fastify plugin (register it in its own context) serving the platform routes. */
export async function platformRoutesPlugin(app: FastifyInstance, opts: { handlers: PlatformHandlers }) {
  app.removeAllContentTypeParsers();
  addJsonParser(app);
  app.addContentTypeParser("*", (_req, payload, done) => done(null, payload));
  for (const name of Object.keys(platformRoutes) as PlatformRouteName[]) {
    const def = platformRoutes[name] as RouteDef;
    const handler = opts.handlers[name] as AnyHandler;
    for (const method of def.methods) {
      app.route({
        method: method as "GET",
        url: PLATFORM_PREFIX + def.path,
        config: { access: def.access, routeName: name },
        handler: async (req, reply) => {
          const { fields, stream, json } = requestParts(req);
          const result = await handler(parseRequest(def.request, fields, json ? "json" : "query"), stream);
          if (!isStreamedFile(result)) return result;
          const disposition = `attachment; filename="${result.file_name.replace(/[^\w.-]/g, "_")}"`;
          return reply
            .headers(result.headers ?? {})
            .type(result.content_type)
            .header("content-disposition", disposition)
            .send(Readable.from(result.chunks));
        },
      });
    }
  }
}

/** Path parameters win over query and body fields, so a body cannot retarget the route. */
function requestParts(req: FastifyRequest): { fields: Record<string, unknown>; stream?: Readable; json: boolean } {
  const query = (req.query ?? {}) as Record<string, unknown>;
  const params = (req.params ?? {}) as Record<string, unknown>;
  const body = req.body;
  if (body instanceof Readable) return { fields: { ...query, ...params }, stream: body, json: false };
  if (body && typeof body === "object") return { fields: { ...query, ...body, ...params }, json: true };
  return { fields: { ...query, ...params }, json: false };
}
