/** Authentication for the inference routes, including the direct `/invocations` path in front of the app. */
import type { IncomingMessage } from "node:http";
import { allows } from "../../auth/permission.js";
import type { ServingGuard } from "../../serving/serving-app.js";
import type { AuthPolicy } from "./auth-gate.js";
import { installAuthGate } from "./auth-gate.js";
import type { ResourceResolver } from "./resource-resolver.js";

/**
 * The direct path answers only callers the caches already know may predict (a bearer token seen
 * within the cache period, or a public deployment); everyone else goes through the app's checks.
 */
export function fastAuthorizer(policy: AuthPolicy): (req: IncomingMessage, deployment: string | undefined) => boolean {
  if (policy.mode === "off") return () => true;
  const auth = policy.service;
  return (req, deployment) => {
    if (deployment === undefined) return false;
    const header = req.headers.authorization;
    const p = auth.cachedBearer(header);
    if (header !== undefined && !p) return false;
    const level = auth.cachedPermissionOf(p, "deployment", deployment);
    return level !== undefined && allows(level, "read");
  };
}

/** The guard of `modelworks serve`. */
export function servingGuard(policy: AuthPolicy, resolver: ResourceResolver): ServingGuard {
  return { install: (app) => installAuthGate(app, policy, resolver), fastAuthorize: fastAuthorizer(policy) };
}
