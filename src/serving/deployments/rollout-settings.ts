/** A deployment's rollout settings: merging a change into them, and their one-line summary for events. */
import { redactUrl } from "../../auth/redact.js";
import { invalidParam } from "../../core/errors.js";
import type { DeploymentRolloutSettings } from "./deployment.js";

/** The stored settings with a change applied: given fields replace, `thresholds` merge key by key. */
export function mergeRolloutSettings(
  current: DeploymentRolloutSettings | undefined,
  change: DeploymentRolloutSettings,
): DeploymentRolloutSettings {
  const merged: DeploymentRolloutSettings = { ...current };
  for (const [key, value] of Object.entries(change) as [keyof DeploymentRolloutSettings, unknown][]) {
    if (value === undefined) continue;
    if (key === "thresholds") merged.thresholds = { ...current?.thresholds, ...(value as Record<string, number>) };
    else (merged as Record<string, unknown>)[key] = value;
  }
  return merged;
}

/** A settings object's shape (the rollout module checks each field's value). */
export function checkSettingsShape(settings: unknown): DeploymentRolloutSettings {
  if (settings === null || typeof settings !== "object" || Array.isArray(settings)) {
    throw invalidParam(
      "Invalid value for 'rollout': expected an object of rollout settings (steps, interval_ms, ...).",
    );
  }
  return settings as DeploymentRolloutSettings;
}

/** The settings as event evidence: JSON with every URL redacted (webhook and notify URLs hold secrets). */
export function describeRolloutSettings(s: DeploymentRolloutSettings | undefined): string | null {
  if (s === undefined) return null;
  const shown: DeploymentRolloutSettings = { ...s };
  if (s.notifyUrl !== undefined) shown.notifyUrl = redactUrl(s.notifyUrl);
  if (s.webhooks) shown.webhooks = s.webhooks.map((h) => ({ ...h, url: redactUrl(h.url) }));
  if (s.prometheus) shown.prometheus = { ...s.prometheus, url: redactUrl(s.prometheus.url) };
  return JSON.stringify(shown);
}
