/** Deployments: what a serving process answers with, stored in the metadata database. */

/** Where the sticky routing key comes from: a request column (per row) or a request header. */
export interface RoutingKey {
  source: "column" | "header";
  /** The column name (e.g. `customerID`) or the header name (lower case). */
  name: string;
}

/** One deployment: a primary model and optionally a candidate taking a share of traffic or a shadow copy. */
export interface Deployment {
  name: string;
  /** The primary model: `NAME@ALIAS` (follows the alias as it moves) or `NAME/VERSION`. */
  primary: string;
  /** The candidate model (`NAME@ALIAS` or `NAME/VERSION`), when one is deployed. */
  candidate?: string;
  /** Share of traffic in percent (0–100) the candidate answers; 0 in shadow mode. */
  candidateWeight: number;
  /** The candidate scores a copy of every request; its answer is logged and discarded. */
  shadow: boolean;
  /** Sticky assignment: the same key gets the same variant while the weight is unchanged. */
  routingKey?: RoutingKey;
  /** Share (0–1) of requests whose rows are written to the prediction log. */
  logSampling: number;
  status: DeploymentStatus;
  /** Incremented by every change; serving runtimes reload when it moves. */
  generation: number;
  description?: string;
  createdTime: number;
  updatedTime: number;
}

export type DeploymentStatus = "active" | "stopped";

/** Fields of a new deployment; the rest take defaults (weight 0, no shadow, sampling 1, active). */
export interface NewDeployment {
  name: string;
  primary: string;
  candidate?: string;
  candidateWeight?: number;
  shadow?: boolean;
  routingKey?: RoutingKey;
  logSampling?: number;
  description?: string;
}

/** A change; `null` removes an optional field (e.g. `candidate: null` removes the candidate). */
export interface DeploymentPatch {
  primary?: string;
  candidate?: string | null;
  candidateWeight?: number;
  shadow?: boolean;
  routingKey?: RoutingKey | null;
  logSampling?: number;
  status?: DeploymentStatus;
  description?: string | null;
}

/** Something that happened to a deployment (created, changed, model loaded, load failed, ...). */
export interface DeploymentEvent {
  id: string;
  deployment: string;
  time: number;
  /** A stable kind, e.g. `created`, `updated`, `model_loaded`, `load_failed`. */
  type: string;
  message: string;
  /** Evidence: versions, weights, errors, metric values. */
  data?: Record<string, unknown>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** True for a valid deployment name (letters, digits, `.`, `_`, `-`; no `/` or `@`). */
export function isValidDeploymentName(name: string): boolean {
  return NAME.test(name);
}
