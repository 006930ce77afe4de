/**
 * User-defined PromQL checks of a canary analysis (Flagger's custom metrics): each query must
 * yield one number within its bounds. A query that yields nothing, NaN, or fails to run fails its
 * check, as Flagger counts "no values found": silence is not evidence that the candidate is fine.
 */
import { invalidParam } from "../../../core/errors.js";
import type { PromqlCheckSpec } from "../../rollout.js";
import type { CheckResult } from "../window-checks.js";
import type { InstantQuerier } from "./prometheus-client.js";
import { escapePromqlString, promRange } from "./promql-text.js";

/** What the placeholders stand for: `{{deployment}}`, `{{interval}}` (e.g. `30s`), `{{variant}}`. */
export interface PromqlCheckVars {
  deployment: string;
  intervalMs: number;
  variant: string;
  /** Evaluation time (seconds since the epoch): the window's end, so `{{interval}}` covers the window. */
  timeSec?: number;
}

/** Run every check (concurrently); never throws, a failure to run is a failed check. */
export function runPromqlChecks(
  client: InstantQuerier,
  specs: PromqlCheckSpec[],
  vars: PromqlCheckVars,
): Promise<CheckResult[]> {
  return Promise.all(specs.map((spec) => runOne(client, spec, vars)));
}

/** The query with its placeholders filled; names are escaped, as they sit inside quoted matchers. */
export function expandPromql(query: string, vars: PromqlCheckVars): string {
  return query
    .replaceAll("{{deployment}}", escapePromqlString(vars.deployment))
    .replaceAll("{{variant}}", escapePromqlString(vars.variant))
    .replaceAll("{{interval}}", promRange(vars.intervalMs));
}

async function runOne(client: InstantQuerier, spec: PromqlCheckSpec, vars: PromqlCheckVars): Promise<CheckResult> {
  const check = `promql:${spec.name}`;
  const threshold = spec.max ?? spec.min ?? Number.NaN;
  const failed = (detail: string): CheckResult => ({ check, passed: false, value: Number.NaN, threshold, detail });
  let samples: { value: number }[];
  try {
    samples = await client.query(expandPromql(spec.query, vars), vars.timeSec);
  } catch (e) {
    return failed(`${spec.name} could not be evaluated: ${oneLine((e as Error)?.message ?? String(e))}`);
  }
  if (samples.length !== 1)
    return failed(
      `${spec.name} returned ${samples.length === 0 ? "no values" : `${samples.length} series`}; expected one number`,
    );
  const value = (samples[0] as { value: number }).value;
  if (!Number.isFinite(value)) return { ...failed(`${spec.name} returned ${value}; expected a finite number`), value };
  const passed = (spec.min === undefined || value >= spec.min) && (spec.max === undefined || value <= spec.max);
  return { check, passed, value, threshold, detail: `${spec.name} = ${round(value)} (${bounds(spec)})` };
}

function bounds(spec: PromqlCheckSpec): string {
  if (spec.min !== undefined && spec.max !== undefined) return `expected ${spec.min} to ${spec.max}`;
  if (spec.max !== undefined) return `at most ${spec.max}`;
  if (spec.min !== undefined) return `at least ${spec.min}`;
  return "no bounds";
}

function round(x: number): string {
  return Number(x.toPrecision(6)).toString();
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

const NAME = /^[A-Za-z0-9_.-]+$/;

/** Parse the CLI form `NAME=QUERY<=MAX` or `NAME=QUERY>=MIN` (the bound follows the last `<=` or `>=`). */
export function parsePromqlCheck(text: string): PromqlCheckSpec {
  const usage = `Invalid --promql '${text}': expected NAME=QUERY<=MAX or NAME=QUERY>=MIN`;
  const eq = text.indexOf("=");
  const name = eq < 0 ? "" : text.slice(0, eq).trim();
  if (!NAME.test(name)) throw invalidParam(`${usage}; NAME must be letters, digits, '_', '.' or '-'.`);
  const rest = text.slice(eq + 1);
  const at = Math.max(rest.lastIndexOf("<="), rest.lastIndexOf(">="));
  if (at < 0) throw invalidParam(`${usage}; no '<=' or '>=' bound.`);
  const query = rest.slice(0, at).trim();
  const boundText = rest.slice(at + 2).trim();
  const bound = Number(boundText);
  if (query === "") throw invalidParam(`${usage}; the query is empty.`);
  if (boundText === "" || !Number.isFinite(bound))
    throw invalidParam(`${usage}; the bound '${boundText}' is not a finite number.`);
  return rest.startsWith("<=", at) ? { name, query, max: bound } : { name, query, min: bound };
}
