/** How the inference routes find the deployment a request addresses. */
import type { DeploymentRuntime } from "./runtime/deployment-runtime.js";

export interface ServingTargets {
  /** By deployment name; `undefined` means the only one (single-deployment servers). */
  byDeployment(name: string | undefined): DeploymentRuntime | undefined;
  /** By the V2 model name: the deployment's name, or in a single-deployment server its primary model's. */
  byModelName(name: string): DeploymentRuntime | undefined;
  /** Every deployment served. */
  all(): DeploymentRuntime[];
}

/** One deployment: `modelworks serve`. */
export function singleTarget(runtime: DeploymentRuntime): ServingTargets {
  return {
    byDeployment: (name) => (name === undefined || name === runtime.name ? runtime : undefined),
    byModelName: (name) => {
      if (name === runtime.name) return runtime;
      const snap = runtime.ready ? runtime.current : undefined;
      return snap && (snap.primary.model.name === name || snap.candidate?.model.name === name) ? runtime : undefined;
    },
    all: () => [runtime],
  };
}

/** Many deployments by name: `modelworks up`. */
export function mapTargets(runtimes: ReadonlyMap<string, DeploymentRuntime>): ServingTargets {
  return {
    byDeployment: (name) => (name === undefined ? undefined : runtimes.get(name)),
    byModelName: (name) => runtimes.get(name),
    all: () => [...runtimes.values()],
  };
}
