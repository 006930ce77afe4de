/** Mount the MLflow route table at /api/2.0 and /ajax-api/2.0 with MLflow's request rules. */
import { Readable } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { MlflowRouteName } from "../../core/api/mlflow-routes.js";
import { mlflowRoutes } from "../../core/api/mlflow-routes.js";
import type { RouteDef } from "../../core/api/route.js";
import { invalidParam } from "../../core/errors.js";
import { parseRequest } from "../../core/schema.js";
import type { Handlers } from "./handlers.js";
import { JsonStream } from "./handlers.js";

export const API_PREFIXES = ["/api/2.0", "/ajax-api/2.0"] as const;

/** Register every route of the table, answering with the matching handler. */
export function mountMlflowRoutes(app: FastifyInstance, handlers: Handlers<MlflowRouteName>): void {
  installJsonBodyParser(app);
  for (const name of Object.keys(mlflowRoutes) as MlflowRouteName[]) {
    const def = mlflowRoutes[name] as RouteDef;
    const handler = handlers[name] as (req: unknown) => Promise<unknown>;
    for (const prefix of API_PREFIXES) {
      for (const method of def.methods) {
        app.route({
          method: method as "GET",
          url: prefix + def.path,
          config: { access: def.access, routeName: name },
          handler: async (req, reply) => {
            // Path parameters (MLflow 3's `logged-models/:model_id`) win over query and body fields.
            const fields = { ...((method === "GET" ? req.query : bodyOf(req)) as object), ...(req.params as object) };
            const result = await handler(parseRequest(def.request, fields, method === "GET" ? "query" : "json"));
            if (result instanceof JsonStream) {
              return reply.type("application/json").send(Readable.from(result.chunks));
            }
            return reply.send(result);
          },
        });
      }
    }
  }
}

function bodyOf(req: FastifyRequest): unknown {
  const ct = req.headers["content-type"];
  // MLflow refuses bodies that are not JSON; an empty body means "no fields".
  if (req.body === undefined) return {};
  if (!ct || !/^application\/json\b/i.test(ct)) {
    throw invalidParam(`Bad Request. Content-Type must be "application/json", got "${ct ?? ""}".`);
  }
  return req.body;
}

/**
 * JSON bodies on every method (DELETE included), tolerant the way MLflow's server is: an empty
 * body is `{}`, a body that is a JSON string holding JSON is decoded twice (old clients).
 */
function installJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  addJsonParser(app);
  // Other content types are read and refused by the route with MLflow's error, not a 415.
  app.addContentTypeParser("*", { parseAs: "string" }, (_req, _body, done) => done(null, null));
}

/** Parse `application/json` bodies of `app`'s context with {@link parseJsonBody}. */
export function addJsonParser(app: FastifyInstance): void {
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
}

/** Parse a JSON request body with MLflow's tolerance. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") return {};
  let v: unknown;
  try {
    v = JSON.parse(text);
    if (typeof v === "string") v = JSON.parse(v);
  } catch (e) {
    throw invalidParam(`Malformed JSON in request body: ${(e as Error).message}`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw invalidParam("Invalid request body: expected a JSON object.");
  }
  return v;
}
