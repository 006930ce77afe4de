/**
 * A deployment's stored rollout settings (what its alias changes roll out with) as rollout input:
 * checked like a `rollout start` request, shown with the defaults filled in, read from the wire.
 */
import type { OutboundPolicy } from "../auth/outbound-policy.js";
import type { RolloutInfo } from "../core/api/platform-routes.js";
import { invalidParam, isMwError } from "../core/errors.js";
import type { DeploymentRolloutSettings } from "../serving/deployments/deployment.js";
import type { RolloutSpecInput } from "./rollout-spec.js";
import { assertOutboundAllowed, resolveRolloutSpec } from "./rollout-spec.js";
import type { StartRolloutWire } from "./rollout-wire.js";
import { specInputFromWire, toSpecInfo } from "./rollout-wire.js";

// Any registered-looking reference: the checks below never look the candidate up.
const PLACEHOLDER = "model/1";

/** The start input of a rollout of `candidate` with a deployment's settings. */
export function rolloutInputOf(settings: DeploymentRolloutSettings | undefined, candidate: string): RolloutSpecInput {
  // The webhook types are checked against WEBHOOK_TYPES when the spec is resolved.
  return { ...(settings as Omit<RolloutSpecInput, "candidate">), candidate };
}

/**
 * A checker of settings for the deployment service: every value as `rollout start` checks it, and
 * every URL against the outbound policy; invalidParam naming the field (`rollout.steps`, ...).
 */
export function deploymentRolloutChecker(
  outbound: OutboundPolicy,
): (settings: DeploymentRolloutSettings) => DeploymentRolloutSettings {
  return (settings) => {
    try {
      assertOutboundAllowed(resolveRolloutSpec(rolloutInputOf(settings, PLACEHOLDER), PLACEHOLDER), outbound);
    } catch (e) {
      // Name the field as the deployment API nests it.
      if (!isMwError(e) || e.code !== "INVALID_PARAMETER_VALUE") throw e;
      throw invalidParam(e.message.replace("for '", "for 'rollout."));
    }
    return settings;
  };
}

/** The effective settings (defaults filled in) on the wire, URLs redacted. */
export function rolloutSettingsInfo(settings: DeploymentRolloutSettings | undefined): RolloutInfo["spec"] {
  const { candidate: _, ...spec } = resolveRolloutSpec(rolloutInputOf(settings, PLACEHOLDER), PLACEHOLDER);
  return toSpecInfo(spec);
}

/** The wire's `rollout` object (a start request without the candidate) as settings. */
export function rolloutSettingsFromWire(wire: unknown): DeploymentRolloutSettings {
  if (wire === null || typeof wire !== "object" || Array.isArray(wire)) {
    return wire as DeploymentRolloutSettings; // the deployment service refuses it, naming 'rollout'
  }
  const { candidate: _, ...settings } = specInputFromWire({ ...(wire as StartRolloutWire), candidate: PLACEHOLDER });
  const unknown = Object.keys(wire).filter((k) => !WIRE_KEYS.includes(k));
  if (unknown.length > 0) {
    throw invalidParam(`Unknown field 'rollout.${unknown[0]}' (expected ${WIRE_KEYS.join(", ")}).`);
  }
  return settings as DeploymentRolloutSettings;
}

const WIRE_KEYS = [
  "steps",
  "interval_ms",
  "threshold",
  "shadow_first",
  "thresholds",
  "webhooks",
  "prometheus",
  "notify_url",
];
