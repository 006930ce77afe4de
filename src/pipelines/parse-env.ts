/** The `env:` mappings of a pipeline file (top level and `command` steps): literals and secret references. */

import type { FieldPath, FieldReader } from "../core/yaml/yaml-fields.js";
import { describe } from "../core/yaml/yaml-fields.js";
import type { EnvSpec } from "./pipeline-spec.js";

/** An environment variable name, as shells accept it. */
export const ENV_NAME = {
  re: /^[A-Za-z_][A-Za-z0-9_]{0,127}$/,
  what: "an environment variable name (letters, digits, '_')",
};

/** Names the platform sets itself for every command step. */
export function isReservedEnvName(name: string): boolean {
  return /^MODELWORKS_/i.test(name) || ["MLFLOW_TRACKING_URI", "MLFLOW_RUN_ID"].includes(name.toUpperCase());
}

/** A Kubernetes Secret's name (DNS subdomain) and a key of its data. */
const SECRET_NAME = {
  re: /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/,
  what: "a Kubernetes Secret name (lowercase DNS name)",
};
const SECRET_KEY = { re: /^[-._a-zA-Z0-9]{1,253}$/, what: "a Secret key (letters, digits, '-', '_', '.')" };

/**
 * `NAME: text` (numbers and booleans as text), `NAME: {secret_env: VAR}`, or (with `secretRefs`,
 * for container steps) `NAME: {secret_ref: {name: SECRET, key: KEY}}`.
 */
export function readEnv(r: FieldReader, path: FieldPath, raw: unknown, secretRefs = false): EnvSpec | undefined {
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
      const o = value as Record<string, unknown>;
      if (secretRefs && o.secret_ref !== undefined) {
        r.knownKeys(at, o, ["secret_ref"]);
        const ref = readSecretRef(r, [...at, "secret_ref"], o.secret_ref);
        if (ref) out[name] = { secretRef: ref };
        continue;
      }
      r.knownKeys(at, o, secretRefs ? ["secret_env", "secret_ref"] : ["secret_env"]);
      const secret = r.string([...at, "secret_env"], o.secret_env, ENV_NAME);
      if (secret !== undefined) out[name] = { secretEnv: secret };
      continue;
    }
    const forms = secretRefs ? "{secret_env: NAME} or {secret_ref: {name, key}}" : "{secret_env: NAME}";
    r.fail(at, `expected text or ${forms}, got ${describe(value)}`);
  }
  return out;
}

function readSecretRef(r: FieldReader, path: FieldPath, raw: unknown): { name: string; key: string } | undefined {
  const o = r.object(path, raw);
  if (!o) return undefined;
  r.knownKeys(path, o, ["name", "key"]);
  const name = r.string([...path, "name"], o.name, SECRET_NAME);
  const key = r.string([...path, "key"], o.key, SECRET_KEY);
  return name !== undefined && key !== undefined ? { name, key } : undefined;
}
