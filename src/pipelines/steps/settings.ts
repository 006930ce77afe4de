/** Reading an executor's `with` settings, with messages that name the step and the setting. */
import { PermanentStepError } from "../step-executor.js";

/** A required string setting. */
export function requiredString(settings: Record<string, unknown>, key: string, step: string): string {
  const v = settings[key];
  if (typeof v === "number") return String(v);
  if (typeof v !== "string" || v === "")
    throw new PermanentStepError(`step '${step}': with.${key} is required (a string)`);
  return v;
}

/** An optional string setting (numbers are taken as text). */
export function optionalString(settings: Record<string, unknown>, key: string, step: string): string | undefined {
  return settings[key] === undefined || settings[key] === null ? undefined : requiredString(settings, key, step);
}

/** Refuse settings the executor does not know (a typo would otherwise be silently ignored). */
export function knownSettings(settings: Record<string, unknown>, allowed: readonly string[], step: string): void {
  for (const key of Object.keys(settings)) {
    if (!allowed.includes(key)) {
      throw new PermanentStepError(`step '${step}': unknown setting with.${key} (expected ${allowed.join(", ")})`);
    }
  }
}
