/**
 * The checks every request passes on the node:http server, before the app or the direct
 * `/invocations` path sees it: the Host header (DNS rebinding), cross-origin rules, and the bound
 * on requests in flight. Health probes are exempt from the Host check (Kubernetes sends the pod
 * IP, load balancers their own names) and, with `/metrics`, from shedding: they stay answered
 * when the process is saturated, which is when they matter. Inference requests have a bound of
 * their own: requests waiting on a locked or unreachable database must not crowd out predictions,
 * which need no database.
 */
import type { FastifyServerFactory } from "fastify";
import type { DirectHandler } from "../../serving/direct-invocations.js";
import { directServerFactory, firstOf } from "../../serving/direct-invocations.js";
import { corsPolicy } from "./cors.js";
import { hostnameOf, hostPolicy } from "./host-check.js";
import { DEFAULT_MAX_CONCURRENT_REQUESTS, InFlightLimit } from "./load-shedding.js";
import { refuse } from "./refuse.js";

/** How a listening server is hardened (the CLI's flags). */
export interface HttpHardening {
  /** Host names accepted besides localhost and private-network addresses (parseHostList); `*` accepts any. */
  allowedHosts?: readonly string[];
  /** Web app origins allowed to call the API from a browser (parseOriginList); none by default. */
  corsOrigins?: readonly string[];
  /**
   * Requests in flight before new ones get 503 (default {@link DEFAULT_MAX_CONCURRENT_REQUESTS}),
   * counted apart for inference ({@link isInferencePath}) and for everything else.
   */
  maxConcurrentRequests?: number;
}

/** Liveness and readiness probes: exempt from the Host check and from shedding. */
export const PROBE_PATHS: ReadonlySet<string> = new Set([
  "/health",
  "/health/ready",
  "/ping",
  "/v2/health/live",
  "/v2/health/ready",
]);

/** Exempt from shedding only: a scrape during an overload is how the overload gets seen. */
const UNSHED_PATHS: ReadonlySet<string> = new Set(["/metrics"]);

/** Scoring paths: `/invocations`, `/deployments/NAME/invocations`, `/v2/models/NAME[/versions/V]/infer`. */
export function isInferencePath(path: string): boolean {
  if (path === "/invocations") return true;
  if (path.startsWith("/deployments/")) return path.endsWith("/invocations");
  return path.startsWith("/v2/models/") && path.endsWith("/infer");
}

/** A node-level request check: true when it answered the request itself (a refusal or a preflight). */
export function requestGuard(o: HttpHardening = {}): DirectHandler {
  const hosts = hostPolicy(o.allowedHosts);
  const cors = corsPolicy(o.corsOrigins ?? []);
  const max = o.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS;
  const inference = new InFlightLimit(max);
  const other = new InFlightLimit(max);
  return (req, res) => {
    const url = req.url ?? "";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    const probe = PROBE_PATHS.has(path);
    if (!probe && !hosts.allows(req.headers.host)) {
      const host = req.headers.host;
      const message =
        host === undefined
          ? "The request has no Host header."
          : `Host '${host.slice(0, 200)}' is not allowed: start the server with --allowed-hosts ${hostnameOf(host) || "NAME"} ` +
            "(or MODELWORKS_ALLOWED_HOSTS) to answer to that name.";
      return refuse(req, res, 403, "PERMISSION_DENIED", message);
    }
    if (cors.handle(req, res)) return true;
    if (probe || UNSHED_PATHS.has(path)) return false;
    return !(isInferencePath(path) ? inference : other).admit(req, res);
  };
}

/**
 * A Fastify server factory whose server puts every request through `guard`, then `direct` (the
 * direct `/invocations` path of a serving process, if any), then the app.
 */
export function guardedServerFactory(guard: DirectHandler, direct?: DirectHandler): FastifyServerFactory {
  return directServerFactory(direct ? firstOf(guard, direct) : guard);
}

/** The server factory for a platform process hardened as `o` says. */
export function hardenedServerFactory(o: HttpHardening = {}, direct?: DirectHandler): FastifyServerFactory {
  return guardedServerFactory(requestGuard(o), direct);
}
