/**
 * The inference server of `modelworks serve`: one deployment's routes at the root (MLflow scoring
 * protocol, Open Inference Protocol v2, feedback, metrics). `buildServingApp(deps)` returns the app;
 * only the CLI listens.
 */
import type { FastifyInstance } from "fastify";
import Fastify from "fastify";
import type { DirectHandler } from "./direct-invocations.js";
import { directInvocations, directServerFactory, firstOf } from "./direct-invocations.js";
import { installServingNotFound } from "./serving-errors.js";
import type { ServingRoutesOptions } from "./serving-routes.js";
import { servingRoutes } from "./serving-routes.js";

export type ServingAppDeps = Omit<ServingRoutesOptions, "layout"> & {
  /** Sees every request first and answers those it refuses (Host check, load shedding; see src/server/hardening). */
  guard?: DirectHandler;
};

/** Build the inference app for one deployment. */
export function buildServingApp(deps: ServingAppDeps): FastifyInstance {
  const guards = deps.guard ? [deps.guard] : [];
  const app = Fastify({
    logger: false,
    bodyLimit: deps.bodyLimit ?? 5 * 1024 * 1024,
    // Listening servers answer /invocations directly; inject() exercises the Fastify route.
    serverFactory: directServerFactory(firstOf(...guards, directInvocations({ ...deps, layout: "single" }))),
  });
  installServingNotFound(app);
  app.register(servingRoutes, { ...deps, layout: "single" });
  return app;
}
