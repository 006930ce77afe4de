/**
 * The dataset schema: what a batch must look like to be trusted for training or scoring. Plain
 * JSON with snake_case keys (the object is its own wire format), importable from JSON or YAML
 * with every field checked and errors naming the field (`columns[3].type: ...`).
 */
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { invalidParam } from "../core/errors.js";
import { LOGICAL_TYPES, type LogicalType } from "../data/table.js";

export const SEVERITIES = ["error", "warning"] as const;
/** A failed `error` check fails the batch; a failed `warning` check is only reported. */
export type Severity = (typeof SEVERITIES)[number];

/** Per-check knobs: severity (default the column's, else "error") and `mostly`, the fraction of values that must pass (default 1). */
export interface CheckSettings {
  severity?: Severity;
  mostly?: number;
}

/** Values must lie in [min, max] (inclusive). */
export interface RangeCheck extends CheckSettings {
  min: number;
  max: number;
}

/** Values must be one of `values`. */
export interface DomainCheck extends CheckSettings {
  values: string[];
}

/** At least `min_fraction` of rows must be non-null. */
export interface PresenceCheck extends CheckSettings {
  min_fraction: number;
}

/** One expected column and its checks. */
export interface ColumnSchema {
  name: string;
  type: LogicalType;
  /** A missing required column fails (default true). */
  required?: boolean;
  /** Default severity of this column's checks. */
  severity?: Severity;
  /** Settings of the type check (values that do not parse as `type`). */
  type_check?: CheckSettings;
  presence?: PresenceCheck;
  range?: RangeCheck;
  domain?: DomainCheck;
  /** Every present value distinct (id columns). */
  unique?: CheckSettings;
}

/** The row count must lie in [min, max]. */
export interface RowCountCheck extends CheckSettings {
  min: number;
  max: number;
}

/** A dataset schema. */
export interface DatasetSchema {
  version: 1;
  /** The label column: required when training, allowed to be absent when serving. */
  label: string | null;
  row_count?: RowCountCheck;
  /** What a column not in the schema is: a failed check of that severity, or ignored (default "warning"). */
  unexpected_columns?: Severity | "ignore";
  columns: ColumnSchema[];
}

/** The schema as pretty JSON. */
export function schemaToJson(schema: DatasetSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

/** The schema as YAML. */
export function schemaToYaml(schema: DatasetSchema): string {
  return stringifyYaml(schema);
}

/** Parses and checks a JSON schema document. */
export function schemaFromJson(text: string): DatasetSchema {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw invalidParam(`Invalid schema: not valid JSON (${(e as Error).message})`);
  }
  return parseSchema(doc);
}

/** Parses and checks a YAML schema document. */
export function schemaFromYaml(text: string): DatasetSchema {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw invalidParam(`Invalid schema: not valid YAML (${(e as Error).message})`);
  }
  return parseSchema(doc);
}

type Obj = Record<string, unknown>;

/** Checks a parsed document and returns it as a schema; throws an MwError naming the bad field. */
export function parseSchema(doc: unknown): DatasetSchema {
  const o = object(doc, "schema");
  known(o, "", ["version", "label", "row_count", "unexpected_columns", "columns"]);
  if (o.version !== 1) fail("version", "expected 1");
  const columnsDoc = o.columns;
  if (!Array.isArray(columnsDoc)) fail("columns", "expected an array");
  const columns = columnsDoc.map((c, i) => parseColumn(c, `columns[${i}]`));
  const seen = new Set<string>();
  columns.forEach((c, i) => {
    if (seen.has(c.name)) fail(`columns[${i}].name`, `duplicate column '${c.name}'`);
    seen.add(c.name);
  });
  const label = o.label === undefined || o.label === null ? null : string(o.label, "label");
  if (label !== null && !seen.has(label)) fail("label", `'${label}' is not one of the columns`);
  const schema: DatasetSchema = { version: 1, label, columns };
  if (o.row_count !== undefined) schema.row_count = parseBounds(o.row_count, "row_count");
  if (o.unexpected_columns !== undefined) {
    schema.unexpected_columns = oneOf(o.unexpected_columns, "unexpected_columns", [...SEVERITIES, "ignore"] as const);
  }
  return schema;
}

function parseColumn(doc: unknown, path: string): ColumnSchema {
  const o = object(doc, path);
  known(o, path, ["name", "type", "required", "severity", "type_check", "presence", "range", "domain", "unique"]);
  const col: ColumnSchema = {
    name: string(o.name, `${path}.name`),
    type: oneOf(o.type, `${path}.type`, LOGICAL_TYPES),
  };
  if (o.required !== undefined) col.required = bool(o.required, `${path}.required`);
  if (o.severity !== undefined) col.severity = oneOf(o.severity, `${path}.severity`, SEVERITIES);
  if (o.type_check !== undefined)
    col.type_check = settings(object(o.type_check, `${path}.type_check`), `${path}.type_check`, []);
  if (o.presence !== undefined) {
    const p = object(o.presence, `${path}.presence`);
    col.presence = {
      min_fraction: fraction(p.min_fraction, `${path}.presence.min_fraction`),
      ...settings(p, `${path}.presence`, ["min_fraction"]),
    };
  }
  if (o.range !== undefined) col.range = parseBounds(o.range, `${path}.range`);
  if (o.domain !== undefined) {
    const d = object(o.domain, `${path}.domain`);
    if (!Array.isArray(d.values)) fail(`${path}.domain.values`, "expected an array of strings");
    const values = d.values.map((v, i) => string(v, `${path}.domain.values[${i}]`));
    col.domain = { values, ...settings(d, `${path}.domain`, ["values"]) };
  }
  if (o.unique !== undefined) col.unique = settings(object(o.unique, `${path}.unique`), `${path}.unique`, []);
  return col;
}

function parseBounds(doc: unknown, path: string): RangeCheck {
  const o = object(doc, path);
  const min = number(o.min, `${path}.min`);
  const max = number(o.max, `${path}.max`);
  if (min > max) fail(`${path}.min`, `${min} is greater than max ${max}`);
  return { min, max, ...settings(o, path, ["min", "max"]) };
}

function settings(o: Obj, path: string, own: string[]): CheckSettings {
  known(o, path, [...own, "severity", "mostly"]);
  const out: CheckSettings = {};
  if (o.severity !== undefined) out.severity = oneOf(o.severity, `${path}.severity`, SEVERITIES);
  if (o.mostly !== undefined) out.mostly = fraction(o.mostly, `${path}.mostly`);
  return out;
}

function fail(path: string, message: string): never {
  throw invalidParam(`Invalid schema: ${path}: ${message}`);
}

function object(v: unknown, path: string): Obj {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(path, "expected an object");
  return v as Obj;
}

function known(o: Obj, path: string, keys: string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(path ? `${path}.${k}` : k, "unknown field");
}

function string(v: unknown, path: string): string {
  if (typeof v !== "string" || v === "") fail(path, "expected a non-empty string");
  return v;
}

function number(v: unknown, path: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) fail(path, "expected a finite number");
  return v;
}

function fraction(v: unknown, path: string): number {
  const n = number(v, path);
  if (n < 0 || n > 1) fail(path, `expected a fraction in [0, 1], got ${n}`);
  return n;
}

function bool(v: unknown, path: string): boolean {
  if (typeof v !== "boolean") fail(path, "expected true or false");
  return v;
}

function oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
  if (typeof v !== "string" || !allowed.includes(v as T)) fail(path, `expected one of ${allowed.join(", ")}`);
  return v as T;
}
