/** The `env:` mappings of a pipeline file (top level and `command` steps): literals and secret references. */
import type { EnvSpec } from "./pipeline-spec.js";
import type { FieldPath, FieldReader } from "./yaml-fields.js";
import { describe } from "./yaml-fields.js";

/** An environment variable name, as shells accept it. */
export const ENV_NAME = {
  re: /^[A-Za-z_][A-Za-z0-9_]{0,127}$/,
  what: "an environment variable name (letters, digits, '_')",
};

/** Names the platform sets itself for every command step. */
export function isReservedEnvName(name: string): boolean {
  return /^MODELWORKS_/i.test(name) || ["MLFLOW_TRACKING_URI", "MLFLOW_RUN_ID"].includes(name.toUpperCase());
}

/** `NAME: text` (numbers and booleans as text) or `NAME: {secret_env: VAR}`. */
export function readEnv(r: FieldReader, path: FieldPath, raw: unknown): EnvSpec | undefined {
  if (raw === undefined) return undefined;
  const o = r.object(path, raw);
  if (!o) return undefined;
  const out: EnvSpec = {};
  for (const [name, value] of Object.entries(o)) {
    const at = [...path, name];
    if (!ENV_NAME.re.test(name)) {
      r.fail(at, `expected ${ENV_NAME.what}, got '${name}'`);
      continue;
    }
    if (isReservedEnvName(name)) {
      r.fail(at, "the platform sets MODELWORKS_*, MLFLOW_TRACKING_URI and MLFLOW_RUN_ID itself");
      continue;
    }
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      out[name] = String(value);
      continue;
    }
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      r.knownKeys(at, value as Record<string, unknown>, ["secret_env"]);
      const secret = r.string([...at, "secret_env"], (value as Record<string, unknown>).secret_env, ENV_NAME);
      if (secret !== undefined) out[name] = { secretEnv: secret };
      continue;
    }
    r.fail(at, `expected text or {secret_env: NAME}, got ${describe(value)}`);
  }
  return out;
}
