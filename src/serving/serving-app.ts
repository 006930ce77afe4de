/**
 * The inference server of `modelworks serve`: one deployment's routes at the root (MLflow scoring
 * protocol, Open Inference Protocol v2, feedback, metrics). `buildServingApp(deps)` returns the app;
 * only the CLI listens.
 */
import type { IncomingMessage } from "node:http";
import type { FastifyInstance } from "fastify";
import Fastify from "fastify";
import type { DirectHandler } from "./direct-invocations.js";
import { directInvocations, directServerFactory, firstOf } from "./direct-invocations.js";
import { installServingNotFound } from "./serving-errors.js";
import type { ServingRoutesOptions } from "./serving-routes.js";
import { servingRoutes } from "./serving-routes.js";

export type ServingAppDeps = Omit<ServingRoutesOptions, "layout"> & {
  /**
   * Installs authentication (the CLI always passes it); it may also decide which `/invocations`
   * the direct path answers (`fastAuthorize`). Without it, as in unit tests, routes are open.
   */
  guard?: ServingGuard;
  /** Sees every request first and answers those it refuses (Host check, load shedding; see src/server/hardening). */
  requestGuard?: DirectHandler;
};

/** Authentication for a serving app: hooks on the app, and the direct path's quick check. */
export interface ServingGuard {
  install(app: FastifyInstance): void;
  /** True when a request may be answered on the direct path (its caller is known to be allowed). */
  fastAuthorize(req: IncomingMessage, deployment: string | undefined): boolean;
}

/** Build the inference app for one deployment. */
export function buildServingApp(deps: ServingAppDeps): FastifyInstance {
  const guards = deps.requestGuard ? [deps.requestGuard] : [];
  const app = Fastify({
    logger: false,
    bodyLimit: deps.bodyLimit ?? 5 * 1024 * 1024,
    // Listening servers answer /invocations directly; inject() exercises the Fastify route.
    serverFactory: directServerFactory(
      firstOf(
        ...guards,
        directInvocations({
          ...deps,
          layout: "single",
          ...(deps.guard ? { authorize: deps.guard.fastAuthorize } : {}),
        }),
      ),
    ),
  });
  deps.guard?.install(app);
  installServingNotFound(app);
  app.register(servingRoutes, { ...deps, layout: "single" });
  return app;
}
