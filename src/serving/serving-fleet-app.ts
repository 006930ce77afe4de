/**
 * The app of a serving replica (`modelworks up --role serving`): every deployment's inference
 * routes under `/deployments/NAME/...` and `/v2/models/NAME/...`, feedback, `/metrics`, and the
 * liveness and readiness probes a load balancer needs. No tracking, registry or platform API and no
 * background jobs: those run on the control plane, so serving replicas scale on their own.
 */
import type { FastifyInstance, FastifyServerFactory } from "fastify";
import Fastify from "fastify";
import { access } from "../core/api/access.js";
import type { ReadinessCheck } from "../core/db/readiness.js";
import type { ServingGuard } from "./serving-app.js";
import { installServingNotFound } from "./serving-errors.js";
import type { ServingRoutesOptions } from "./serving-routes.js";
import { servingRoutes } from "./serving-routes.js";

export type ServingFleetAppDeps = Omit<ServingRoutesOptions, "layout" | "databaseReadiness"> & {
  /** Authentication of every route (tokens and grants from the shared database). */
  guard: ServingGuard;
  /** The listening server (request guard and the direct `/invocations` path). */
  serverFactory?: FastifyServerFactory;
  /** The metadata database's readiness. */
  databaseReadiness: () => Promise<ReadinessCheck>;
  /** The serving side's readiness (deployments loaded). */
  servingReadiness: () => ReadinessCheck;
};

/** Build a serving replica's app (the CLI listens). */
export async function buildServingFleetApp(deps: ServingFleetAppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: deps.bodyLimit ?? 5 * 1024 * 1024,
    ...(deps.serverFactory ? { serverFactory: deps.serverFactory } : {}),
  });
  deps.guard.install(app);
  installServingNotFound(app);
  const open = { config: { access: access.public } };
  app.get("/health", open, async (_req, reply) => reply.type("text/plain").send("OK"));
  // Readiness as the platform app answers it: the database answers quickly and deployments are loaded.
  app.get("/health/ready", open, async (_req, reply) => {
    const database = await deps.databaseReadiness();
    const serving = deps.servingReadiness();
    const ready = database.ok && serving.ok;
    return reply.status(ready ? 200 : 503).send({ ready, database, serving, role: "serving" });
  });
  await app.register(servingRoutes, { ...deps, layout: "multi" });
  return app;
}
