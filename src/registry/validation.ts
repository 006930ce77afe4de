/** The registry's input rules (reference §1.3, §1.6), each failure naming the field. */
import type { Stage } from "../core/api/mlflow-entities.js";
import { STAGES } from "../core/api/mlflow-entities.js";
import { invalidParam } from "../core/errors.js";
import { validateKey } from "../tracking/validation.js";

/** Registry limits and search page sizes. */
export const REGISTRY_LIMITS = {
  tagValueLength: 5000,
  aliasLength: 255,
  modelSearchDefault: 100,
  modelSearchMax: 1000,
  // MLflow's default equals its cap (200 000); a smaller default keeps unbounded calls cheap.
  versionSearchDefault: 10000,
  versionSearchMax: 200000,
} as const;

const ALIAS_RE = /^[\p{L}\p{N}_-]*$/u;

/** Check a registered model name (`field` names it in the message). */
export function validateModelName(name: string, field = "name"): void {
  if (name.trim() === "") {
    throw invalidParam(`Invalid value '${name}' for parameter '${field}': registered model name cannot be empty.`);
  }
}

/** A version number from the wire: a positive decimal integer. */
export function parseVersion(version: string | number, field = "version"): number {
  const n = typeof version === "number" ? version : /^\s*\d{1,15}\s*$/.test(version) ? Number(version) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw invalidParam(`Invalid value '${version}' for parameter '${field}': expected a positive integer.`);
  }
  return n;
}

/** Check an alias name: word characters and dashes, ≤255, not `latest` nor `v<digits>`. */
export function validateAlias(alias: string): void {
  if (alias === "") throw invalidParam("Invalid value '' for parameter 'alias': alias name cannot be empty.");
  if (!ALIAS_RE.test(alias)) {
    throw invalidParam(
      `Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`,
    );
  }
  if (alias.length > REGISTRY_LIMITS.aliasLength) {
    throw invalidParam(
      `Alias '${alias.slice(0, 40)}…' has ${alias.length} characters; at most ${REGISTRY_LIMITS.aliasLength} are allowed.`,
    );
  }
  if (alias.toLowerCase() === "latest") throw invalidParam("'latest' alias name (case insensitive) is reserved.");
  if (/^[vV]\d+$/.test(alias)) throw invalidParam(`Version alias name '${alias}' is reserved.`);
}

/** Check a registered model or model version tag. */
export function validateRegistryTag(key: string, value: string): void {
  validateKey("tag", key);
  if (value.length > REGISTRY_LIMITS.tagValueLength) {
    throw invalidParam(
      `Tag value for key '${key}' has ${value.length} characters; at most ${REGISTRY_LIMITS.tagValueLength} are allowed.`,
    );
  }
}

/** Check a version source: non-empty, and no `..` segment or NUL however often it is URL-encoded. */
export function validateSource(source: string): void {
  if (source.trim() === "") throw invalidParam("Invalid value '' for parameter 'source': expected a model URI.");
  const decoded = fullyDecode(source);
  if (decoded.includes("\0") || decoded.split(/[/\\]/).some((seg) => seg.trim() === "..")) {
    throw invalidParam(
      `Invalid value '${source}' for parameter 'source': relative path references ('..') and NUL bytes are not allowed.`,
    );
  }
}

function fullyDecode(s: string): string {
  for (let i = 0; i < 10; i++) {
    const plus = s.replace(/\+/g, " ");
    let next: string;
    try {
      next = decodeURIComponent(plus);
    } catch {
      // A stray '%' stops decodeURIComponent; decode the well-formed escapes one by one instead.
      next = plus.replace(/%[0-9a-fA-F]{2}/g, (m) => String.fromCharCode(Number.parseInt(m.slice(1), 16)));
    }
    if (next === s) return s;
    s = next;
  }
  return s;
}

/** A stage name in any case as its canonical spelling. */
export function canonicalStage(stage: string): Stage {
  const found = STAGES.find((s) => s.toLowerCase() === stage.trim().toLowerCase());
  if (!found) {
    throw invalidParam(`Invalid value '${stage}' for parameter 'stage': expected one of ${STAGES.join(", ")}.`);
  }
  return found;
}

/** The page size for a search: the default when absent, an error beyond the cap. */
export function pageSize(maxResults: number | undefined, fallback: number, cap: number): number {
  const n = maxResults ?? fallback;
  if (!Number.isSafeInteger(n) || n < 1 || n > cap) {
    throw invalidParam(`Invalid value ${n} for parameter 'max_results': expected an integer from 1 to ${cap}.`);
  }
  return n;
}
