/**
 * What an export of a deployment's log holds: one column per model input (the union of the input
 * layouts logged in the range, in the order they first appeared), then the prediction's own
 * columns. Input types come from the models' signatures when known (int and float of different
 * versions widen to float; any other disagreement makes a string column), else from the values.
 */
import type { Queryable } from "../../../core/db/database.js";
import { invalidParam } from "../../../core/errors.js";
import type { LogicalType } from "../../../data/table.js";
import type { LogCatalog } from "../sql/log-catalog.js";
import { readPage } from "./export-pages.js";

/** The prediction's own columns, after the inputs (renamed `prediction_X` when an input has the name). */
export const META_COLUMNS = [
  ["timestamp", "timestamp"],
  ["request_id", "string"],
  ["row", "int"],
  ["variant", "string"],
  ["model", "string"],
  ["version", "string"],
  ["routing_key", "string"],
  ["score", "float"],
  ["label", "string"],
  ["outcome", "string"],
] as const;

export type MetaName = (typeof META_COLUMNS)[number][0];
export type ExportVariant = "primary" | "candidate" | "shadow";

export interface ExportQuery {
  deployment: string;
  /** Inclusive start (ms); default the start of the log. */
  from?: number;
  /** Exclusive end (ms); default now and later. */
  to?: number;
  /** Only these rows: the primary's, the candidate's answered ones, or shadow copies. */
  variant?: ExportVariant;
}

export interface ExportColumn {
  name: string;
  type: LogicalType;
  /** The input it holds, or the prediction field. */
  source: { input: string } | { meta: MetaName };
}

/** An export's columns and bounds; plain data (it is handed to worker threads). */
export interface ExportPlan {
  deployment: string;
  /** Undefined when the deployment never logged (the export is then empty). */
  deploymentId: number | undefined;
  from: number;
  to: number;
  variant?: ExportVariant;
  columns: ExportColumn[];
}

/** A model version's input types (from its signature), or undefined when they cannot be read. */
export type InputTypes = (model: string, version: string) => Promise<Map<string, LogicalType> | undefined>;

const MAX_TIME = 8.64e15;

/** Check an export query's bounds and variant. */
export function checkExportQuery(q: ExportQuery): void {
  for (const [field, v] of [
    ["from", q.from],
    ["to", q.to],
  ] as const) {
    if (v !== undefined && (!Number.isSafeInteger(v) || v < 0 || v > MAX_TIME)) {
      throw invalidParam(`Invalid value for '${field}': expected a time in milliseconds since the epoch, got ${v}.`);
    }
  }
  if (q.from !== undefined && q.to !== undefined && q.from >= q.to) {
    throw invalidParam(`Invalid value for 'to': must be after 'from' (${q.from}), got ${q.to}.`);
  }
  if (q.variant !== undefined && !["primary", "candidate", "shadow"].includes(q.variant)) {
    throw invalidParam(`Invalid value for 'variant': expected primary, candidate or shadow, got '${q.variant}'.`);
  }
}

/** Plan an export: its input columns from the layouts logged in the range, their types from `types`. */
export async function planExport(
  q: Queryable,
  catalog: LogCatalog,
  query: ExportQuery,
  types?: InputTypes,
): Promise<ExportPlan> {
  checkExportQuery(query);
  const from = query.from ?? 0;
  const to = query.to ?? MAX_TIME;
  const id = await catalog.deploymentId(q, query.deployment, false);
  const inputs = new Map<string, LogicalType | undefined>();
  // Where the layouts without a signature first appear: their values are read there.
  const sniffFrom = new Set<number>();
  if (id !== undefined) {
    const versions = await q.all<{
      model_id: number | string;
      schema_code: number | string;
      first_time: number | string;
    }>(
      `SELECT model_id, schema_code, first_time FROM log_versions WHERE deployment_id = ? AND last_time >= ? AND first_time < ?
       ORDER BY first_time, model_id, schema_code`,
      [id, from, to],
    );
    const dict = await catalog.dictionary(q, id, true);
    for (const v of versions) {
      if (Number(v.schema_code) < 0) continue;
      const model = await catalog.model(q, Number(v.model_id));
      const typed = await types?.(model.name, model.version).catch(() => undefined);
      if (!typed) sniffFrom.add(Math.max(from, Number(v.first_time)));
      for (const name of dict.schema(Number(v.schema_code)).names) {
        inputs.set(name, merge(inputs.has(name), inputs.get(name), typed?.get(name)));
      }
    }
  }
  const untyped = [...inputs].filter(([, t]) => t === undefined).map(([n]) => n);
  const sniffed =
    id !== undefined && untyped.length > 0 ? await sniffTypes(q, catalog, id, [...sniffFrom], to) : new Map();
  const columns: ExportColumn[] = [...inputs].map(([name, type]) => ({
    name,
    type: type ?? sniffed.get(name) ?? "string",
    source: { input: name },
  }));
  for (const [name, type] of META_COLUMNS) {
    columns.push({ name: inputs.has(name) ? `prediction_${name}` : name, type, source: { meta: name } });
  }
  return {
    deployment: query.deployment,
    deploymentId: id,
    from,
    to,
    ...(query.variant ? { variant: query.variant } : {}),
    columns,
  };
}

/** Rows read to settle the types of inputs no signature describes. */
const SNIFF_ROWS = 2_000;

/**
 * Input types from the values of the first rows from each of `starts`: numbers make a float
 * column, booleans a bool column, strings (or a mix) a string column.
 */
async function sniffTypes(
  q: Queryable,
  catalog: LogCatalog,
  deploymentId: number,
  starts: readonly number[],
  to: number,
): Promise<Map<string, LogicalType>> {
  const rows = [];
  for (const from of starts) rows.push(...(await readPage(q, catalog, { deploymentId, from, to, limit: SNIFF_ROWS })));
  const dict = await catalog.dictionary(q, deploymentId);
  const kinds = new Map<string, Set<string>>();
  for (const r of rows) {
    if (r.schema === undefined) continue;
    const names = dict.schema(r.schema).names;
    r.values.forEach((v, i) => {
      if (v === null) return;
      const name = names[i] as string;
      if (!kinds.has(name)) kinds.set(name, new Set());
      kinds.get(name)?.add(typeof v === "object" ? "string" : typeof v);
    });
  }
  const out = new Map<string, LogicalType>();
  for (const [name, k] of kinds) {
    out.set(name, k.size === 1 && k.has("number") ? "float" : k.size === 1 && k.has("boolean") ? "bool" : "string");
  }
  return out;
}

/** The type of a column seen before (`seen`, with type `a`) merged with another version's `b`. */
function merge(seen: boolean, a: LogicalType | undefined, b: LogicalType | undefined): LogicalType | undefined {
  if (!seen) return b;
  if (a === undefined || b === undefined || a === b) return a ?? b;
  if ((a === "int" && b === "float") || (a === "float" && b === "int")) return "float";
  return "string";
}
