/** What a serving host's runtimes show the rollout controller. */
import type { ServingHost } from "../../serving/serving-host.js";
import type { ServedState } from "./rollout-controller.js";

/** The {@link ServedState} of a serving host: the deployments it serves and what each has loaded. */
export function hostServedState(host: Pick<ServingHost, "runtimes">): ServedState {
  const snapshot = (deployment: string) => {
    const rt = host.runtimes.get(deployment);
    return rt?.ready ? rt.current : undefined;
  };
  return {
    serves: (deployment) => host.runtimes.has(deployment),
    candidateLoaded: (deployment, candidate) => {
      const c = snapshot(deployment)?.candidate?.model;
      return c !== undefined && `${c.name}/${c.version}` === candidate;
    },
    positiveClass: (deployment) => snapshot(deployment)?.primary.model.predictor.signature.positive_class,
    kinds: (deployment) => {
      const s = snapshot(deployment);
      const primary = s?.primary.model.predictor.kind;
      const candidate = s?.candidate?.model.predictor.kind;
      return { ...(primary ? { primary } : {}), ...(candidate ? { candidate } : {}) };
    },
  };
}
