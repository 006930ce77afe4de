/** Deployments: what a serving process answers with, stored in the metadata database. */

/** Where the sticky routing key comes from: a request column (per row) or a request header. */
export interface RoutingKey {
  source: "column" | "header";
  /** The column name (e.g. `customerID`) or the header name (lower case). */
  name: string;
}

/**
 * What a deployment following `NAME@ALIAS` does when the alias moves: `rollout` (the default) rolls
 * the new version out as a canary with the deployment's rollout settings; `swap` serves it to all
 * traffic at once.
 */
export type AliasChangePolicy = "rollout" | "swap";

export const ALIAS_CHANGE_POLICIES: readonly AliasChangePolicy[] = ["rollout", "swap"];

/**
 * The settings a deployment's alias changes roll out with, as `rollout start` takes them (any
 * missing one takes the rollout default). The rollout module checks them; serving only stores them.
 */
export interface DeploymentRolloutSettings {
  steps?: number[];
  intervalMs?: number;
  threshold?: number;
  shadowFirst?: boolean;
  /** Analysis thresholds by their camelCase names (e.g. `maxScorePsi`). */
  thresholds?: Record<string, number>;
  webhooks?: { name: string; type: string; url: string; timeoutMs?: number; metadata?: Record<string, string> }[];
  prometheus?: { url: string; checks?: { name: string; query: string; min?: number; max?: number }[] };
  notifyUrl?: string;
}

/**
 * Online features for a deployment: requests carry the service's entity keys (and any request-time
 * inputs); the server fetches the service's features and scores. A feature not found or older than
 * its view's ttl fails the request (`fail`, 4xx naming it) or reaches the model as null (`null`).
 */
export interface DeploymentFeatures {
  service: string;
  missing: "fail" | "null";
}

/** One deployment: a primary model and optionally a candidate taking a share of traffic or a shadow copy. */
export interface Deployment {
  name: string;
  /** The primary model: `NAME@ALIAS` (follows the alias as it moves) or `NAME/VERSION`. */
  primary: string;
  /**
   * The version served as primary when `primary` follows an alias under the `rollout` policy: the
   * alias moving does not change it; a rollout's promotion does.
   */
  primaryVersion?: string;
  /** What happens when the primary's alias moves (meaningless for a `NAME/VERSION` primary). */
  onAliasChange: AliasChangePolicy;
  /** The settings alias changes roll out with (absent: the rollout defaults). */
  rollout?: DeploymentRolloutSettings;
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
  /** How long logged rows (and their feedback) are kept, in milliseconds. */
  logRetentionMs: number;
  /** Closed days of the log are exported to the artifact store before retention removes them. */
  archiveLog: boolean;
  /** The feature service requests are completed from (absent: requests carry every input). */
  features?: DeploymentFeatures;
  status: DeploymentStatus;
  /** Incremented by every change; serving runtimes reload when it moves. */
  generation: number;
  description?: string;
  createdTime: number;
  updatedTime: number;
}

export type DeploymentStatus = "active" | "stopped";

/** A deployment's prediction-log retention when none is set: 30 days. */
export const DEFAULT_LOG_RETENTION_MS = 30 * 86_400_000;

/** Fields of a new deployment; the rest take defaults (weight 0, no shadow, sampling 1, 30 days' log, active). */
export interface NewDeployment {
  name: string;
  primary: string;
  primaryVersion?: string;
  onAliasChange?: AliasChangePolicy;
  rollout?: DeploymentRolloutSettings;
  candidate?: string;
  candidateWeight?: number;
  shadow?: boolean;
  routingKey?: RoutingKey;
  logSampling?: number;
  logRetentionMs?: number;
  archiveLog?: boolean;
  features?: DeploymentFeatures;
  description?: string;
}

/** A change; `null` removes an optional field (e.g. `candidate: null` removes the candidate). */
export interface DeploymentPatch {
  primary?: string;
  /** Set by the platform (alias watcher, promotion); a change of `primary` or the policy re-pins it. */
  primaryVersion?: string | null;
  onAliasChange?: AliasChangePolicy;
  /** Merged into the stored settings (`thresholds` key by key); `null` goes back to the defaults. */
  rollout?: DeploymentRolloutSettings | null;
  candidate?: string | null;
  candidateWeight?: number;
  shadow?: boolean;
  routingKey?: RoutingKey | null;
  logSampling?: number;
  logRetentionMs?: number;
  archiveLog?: boolean;
  features?: DeploymentFeatures | null;
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

/** The reference of what the primary serves: `NAME/VERSION` when pinned, else `primary` as stored. */
export function servedPrimaryRef(d: Pick<Deployment, "primary" | "primaryVersion">): string {
  const at = d.primary.lastIndexOf("@");
  if (d.primaryVersion === undefined || at <= 0) return d.primary;
  return `${d.primary.slice(0, at)}/${d.primaryVersion}`;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** True for a valid deployment name (letters, digits, `.`, `_`, `-`; no `/` or `@`). */
export function isValidDeploymentName(name: string): boolean {
  return NAME.test(name);
}
