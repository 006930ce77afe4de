/** `${params.X}` and `${steps.S.outputs.Y}` in step settings: finding the references and resolving them. */
import { invalidParam } from "../core/errors.js";
import type { EnvSpec } from "./pipeline-spec.js";

const REF = /\$\{\s*(params|steps)\.([A-Za-z0-9_.-]+)\s*\}/g;

/** One reference: a param name, or a step name with the output path after `outputs.`. */
export interface Reference {
  kind: "params" | "steps";
  name: string;
  path: string[];
}

/** What references resolve against. */
export interface Scope {
  params: Record<string, unknown>;
  outputs: Record<string, Record<string, unknown>>;
}

/** Every reference in the strings of a value (walking lists and mappings). */
export function referencesIn(value: unknown): Reference[] {
  const out: Reference[] = [];
  walkStrings(value, (s) => {
    for (const m of s.matchAll(REF)) out.push(toReference(m[1] as string, m[2] as string));
  });
  return out;
}

function toReference(kind: string, body: string): Reference {
  const parts = body.split(".");
  if (kind === "params") return { kind: "params", name: parts[0] as string, path: parts.slice(1) };
  // steps.S.outputs.Y.Z → step S, path [Y, Z]
  const path = parts[1] === "outputs" ? parts.slice(2) : parts.slice(1);
  return { kind: "steps", name: parts[0] as string, path };
}

/**
 * Resolve references. A string that is exactly one reference takes the referred value as is (a
 * number stays a number); references inside longer text are formatted into it.
 */
export function substitute<T>(value: T, scope: Scope, lenient = false): T {
  return mapStrings(value, (s) => {
    const whole = /^\$\{\s*(params|steps)\.([A-Za-z0-9_.-]+)\s*\}$/.exec(s);
    if (whole) return lookup(toReference(whole[1] as string, whole[2] as string), scope, lenient);
    return s.replace(REF, (_, kind: string, body: string) => format(lookup(toReference(kind, body), scope, lenient)));
  }) as T;
}

function lookup(ref: Reference, scope: Scope, lenient: boolean): unknown {
  let value: unknown;
  if (ref.kind === "params") {
    if (!(ref.name in scope.params)) {
      if (lenient) return undefined;
      throw invalidParam(`\${params.${ref.name}} is not a param of this pipeline.`);
    }
    value = scope.params[ref.name];
  } else {
    const outputs = scope.outputs[ref.name];
    if (!outputs) {
      if (lenient) return undefined;
      throw invalidParam(`\${steps.${ref.name}.outputs...}: step '${ref.name}' has no outputs (it did not run).`);
    }
    value = outputs;
  }
  for (const key of ref.path) {
    value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    if (value === undefined && !lenient) {
      const what = ref.kind === "params" ? `params.${ref.name}` : `steps.${ref.name}.outputs`;
      throw invalidParam(`\${${what}.${ref.path.join(".")}} does not exist.`);
    }
  }
  return value;
}

function format(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/**
 * A command's `env` with references in its literals resolved to text; secret references are left
 * as they are (only the spec's own values can be secret references, never a resolved one).
 */
export function resolveEnv(env: EnvSpec, scope: Scope): EnvSpec {
  const out: EnvSpec = {};
  for (const [name, value] of Object.entries(env)) {
    out[name] = typeof value === "string" ? format(substitute(value, scope)) : value;
  }
  return out;
}

/** Truthiness of a resolved `when`: false, 0, "", "false", "no", "0", null and missing are false. */
export function isTruthy(value: unknown): boolean {
  if (typeof value === "string") return !["", "false", "no", "0", "null", "off"].includes(value.trim().toLowerCase());
  return Boolean(value);
}

function walkStrings(value: unknown, visit: (s: string) => void): void {
  mapStrings(value, (s) => {
    visit(s);
    return s;
  });
}

function mapStrings(value: unknown, fn: (s: string) => unknown): unknown {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  }
  return value;
}
