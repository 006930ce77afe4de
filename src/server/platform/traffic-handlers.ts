/** Handler of a deployment's live traffic: per-variant numbers from the serving process, if this is one. */
import type { VariantTrafficInfo } from "../../core/api/insight-routes.js";
import { parseDuration } from "../../core/duration.js";
import { invalidParam } from "../../core/errors.js";
import type { RegistryStore } from "../../registry/registry-store.js";
import type { Deployment } from "../../serving/deployments/deployment.js";
import { servedPrimaryRef } from "../../serving/deployments/deployment.js";
import type { DeploymentService } from "../../serving/deployments/deployment-service.js";
import type { TrafficSource, TrafficVariant, VariantTraffic } from "../../serving/metrics/traffic-windows.js";
import { lookupVersion, parseModelRef } from "../../serving/model-resolver.js";
import type { PlatformHandlers } from "./handlers.js";

const MIN_WINDOW_MS = 5_000;
const MAX_WINDOW_MS = 3_600_000;

/** Handlers for the traffic route; without a source (no serving here) it answers `available: false`. */
export function trafficHandlers(deps: {
  deployments: DeploymentService;
  registry: RegistryStore;
  traffic?: TrafficSource;
}): Pick<PlatformHandlers, "getDeploymentTraffic"> {
  return {
    getDeploymentTraffic: async (req) => {
      const windowMs = parseDuration("window", req.window ?? "60s");
      if (windowMs < MIN_WINDOW_MS || windowMs > MAX_WINDOW_MS)
        throw invalidParam(`Invalid value '${req.window}' for parameter 'window': expected 5s to 1h.`);
      const d = await deps.deployments.get(req.name);
      const live = deps.traffic?.window(d.name, windowMs);
      const variants: VariantTrafficInfo[] = [];
      for (const v of variantsOf(d)) {
        const ref = await describeRef(v.ref, deps.registry);
        variants.push({ variant: v.variant, ...ref, weight: v.weight, ...numbers(live?.get(v.variant)) });
      }
      return { deployment: d.name, window_seconds: windowMs / 1000, available: live !== undefined, variants };
    },
  };
}

/** The variants a deployment routes to now, with their share of traffic. */
function variantsOf(d: Deployment): { variant: TrafficVariant; ref: string; weight: number }[] {
  // A pinned primary serves its pinned version, not what its alias names now.
  const primary = servedPrimaryRef(d);
  if (!d.candidate) return [{ variant: "primary", ref: primary, weight: 100 }];
  if (d.shadow)
    return [
      { variant: "primary", ref: primary, weight: 100 },
      { variant: "shadow", ref: d.candidate, weight: 0 },
    ];
  return [
    { variant: "primary", ref: primary, weight: 100 - d.candidateWeight },
    { variant: "candidate", ref: d.candidate, weight: d.candidateWeight },
  ];
}

/** Model name and the version the reference names now ("" when the alias or version is gone). */
async function describeRef(text: string, registry: RegistryStore): Promise<{ model: string; version: string }> {
  try {
    const ref = parseModelRef(text);
    return { model: ref.name, version: await lookupVersion(ref, registry).catch(() => ref.version ?? "") };
  } catch {
    return { model: text, version: "" };
  }
}

function numbers(t: VariantTraffic | undefined): Omit<VariantTrafficInfo, "variant" | "model" | "version" | "weight"> {
  if (!t) return { requests: 0, requests_per_second: 0, error_rate: 0, p50_ms: null, p99_ms: null };
  return {
    requests: t.requests,
    requests_per_second: t.requestsPerSecond,
    error_rate: t.errorRate,
    p50_ms: t.p50Ms,
    p99_ms: t.p99Ms,
  };
}
