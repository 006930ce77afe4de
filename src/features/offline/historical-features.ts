/**
 * Training sets without leakage: the entity table (join keys, an event time column, anything else)
 * with each selected feature joined point-in-time from its view's source dataset. A left join:
 * every entity row is kept, in its order, with its other columns passed through.
 */
import type { FeatureSourceRead } from "../../core/api/feature-routes.js";
import { invalidParam } from "../../core/errors.js";
import type { Column } from "../../data/table.js";
import { Table } from "../../data/table.js";
import type { Projection } from "../definitions/feature-refs.js";
import { resolveRefs, serviceNamed } from "../definitions/feature-refs.js";
import type { FeatureDefinitions, FeatureViewSpec, SourceSpec } from "../definitions/feature-spec.js";
import { satisfies } from "../definitions/value-types.js";
import { gatherColumns } from "./gather-column.js";
import type { SourceIndex } from "./point-in-time-join.js";
import { indexSource, keysInTimeOrder, matchRows, orderEntities, timeValues } from "./point-in-time-join.js";

/** The entity table's time column unless told otherwise (Feast's name). */
export const DEFAULT_EVENT_TIME = "event_timestamp";

/** What to build: entity rows and the features to join onto them. */
export interface HistoricalRequest {
  entities: Table;
  /** A feature service; or give `features`. */
  service?: string | undefined;
  /** `view:feature` or `view` references. */
  features?: readonly string[] | undefined;
  /** Name feature columns `view__feature` (default: the feature's name). */
  fullNames?: boolean | undefined;
  /** The entity table's time column (default `event_timestamp`). */
  eventTime?: string | undefined;
  /** Dataset versions to read, by dataset name (default: each source's pinned version, else the latest). */
  datasetVersions?: Readonly<Record<string, number>> | undefined;
}

/** A dataset version read into a table. */
export interface LoadedDataset {
  table: Table;
  version: number;
  digest: string;
}

export interface HistoricalDeps {
  definitions: FeatureDefinitions;
  /** Read a dataset version (`version` undefined: the latest). */
  loadDataset(name: string, version?: number): Promise<LoadedDataset>;
}

/** The training set and what it was built from. */
export interface HistoricalResult {
  table: Table;
  /** The dataset version read for each source used. */
  sources: FeatureSourceRead[];
  /** Each feature column added, in order. */
  columns: { view: string; feature: string; column: string }[];
  /** The entity columns rows were matched on (the selected views' join keys). */
  joinKeys: string[];
}

/** Build a point-in-time correct training set. */
export async function getHistoricalFeatures(req: HistoricalRequest, deps: HistoricalDeps): Promise<HistoricalResult> {
  const defs = deps.definitions;
  const projections = resolveRefs(selectedRefs(req, defs), defs);
  const eventTime = req.eventTime ?? DEFAULT_EVENT_TIME;
  const times = orderEntities(entityTimes(req.entities, eventTime));
  const columns = outputColumns(projections, req.entities, req.fullNames === true);
  for (const p of projections) {
    const missing = joinKeysOf(defs, p.view).filter((k) => !req.entities.column(k));
    if (missing.length > 0)
      throw invalidParam(`The entity rows lack the join key column(s) ${missing.join(", ")} of view '${p.view.name}'.`);
  }
  const loaded = new Map<string, { source: SourceSpec; data: LoadedDataset }>();
  const indexes = new Map<string, SourceIndex>();
  const entityKeysByView = new Map<string, Column[]>();
  const out: Column[] = [...req.entities.columns];
  for (const p of projections) {
    const source = sourceOf(defs, p.view);
    let entry = loaded.get(source.name);
    if (!entry) {
      const version = req.datasetVersions?.[source.dataset] ?? source.version;
      entry = { source, data: await deps.loadDataset(source.dataset, version) };
      loaded.set(source.name, entry);
    }
    const keys = joinKeysOf(defs, p.view);
    const label = `dataset '${source.dataset}@${entry.data.version}' (source '${source.name}' of view '${p.view.name}')`;
    checkSourceColumns(entry.data.table, source, keys, p, label);
    const cacheKey = `${source.name}\u0000${keys.join("\u0000")}`;
    let index = indexes.get(cacheKey);
    if (!index) {
      index = indexSource(entry.data.table, {
        keys,
        eventTime: source.timestamp_field,
        created: source.created_timestamp_column,
      });
      indexes.set(cacheKey, index);
    }
    let entityKeys = entityKeysByView.get(keys.join("\u0000"));
    if (!entityKeys) {
      entityKeys = keysInTimeOrder(
        keys.map((k) => req.entities.column(k) as Column),
        times,
      );
      entityKeysByView.set(keys.join("\u0000"), entityKeys);
    }
    const matches = matchRows(index, entityKeys, times, p.view.ttl_ms);
    const table = entry.data.table;
    const gathered = p.features.map((f) => ({
      source: table.column(f.name) as Column,
      name: (columns.get(`${p.view.name}:${f.name}`) as { column: string }).column,
      type: f.type,
    }));
    out.push(...gatherColumns(gathered, matches));
  }
  return {
    table: new Table(out),
    sources: [...loaded.values()].map(({ source, data }) => ({
      source: source.name,
      dataset: source.dataset,
      version: data.version,
      digest: data.digest,
    })),
    columns: [...columns.values()],
    joinKeys: [...new Set(projections.flatMap((p) => joinKeysOf(defs, p.view)))],
  };
}

/** The references a request selects: its service's, or its own list. */
export function selectedRefs(req: Pick<HistoricalRequest, "service" | "features">, defs: FeatureDefinitions): string[] {
  if (req.service !== undefined && req.features !== undefined && req.features.length > 0)
    throw invalidParam("Give a feature service or a list of features, not both.");
  if (req.service !== undefined) return serviceNamed(defs, req.service).features;
  return [...(req.features ?? [])];
}

/** The datasets a selection reads (for authorization); empty when it does not resolve. */
export function datasetsOfSelection(
  req: Pick<HistoricalRequest, "service" | "features">,
  defs: FeatureDefinitions,
): string[] {
  try {
    return resolveRefs(selectedRefs(req, defs), defs).map((p) => sourceOf(defs, p.view).dataset);
  } catch {
    return [];
  }
}

function entityTimes(entities: Table, eventTime: string) {
  const c = entities.column(eventTime);
  if (!c)
    throw invalidParam(
      `The entity rows have no '${eventTime}' column (their time; name another with event_time / --event-time).`,
    );
  if (c.type !== "timestamp")
    throw invalidParam(
      `The entity rows' '${eventTime}' column is ${c.type}, expected timestamps (ISO 8601 in CSV, TIMESTAMP in Parquet).`,
    );
  return timeValues(c);
}

/** Feature column names by `view:feature`; refused when one repeats an entity column or another feature. */
function outputColumns(projections: Projection[], entities: Table, fullNames: boolean) {
  const columns = new Map<string, { view: string; feature: string; column: string }>();
  const taken = new Map<string, string>(entities.columnNames.map((n) => [n, "an entity column"]));
  for (const p of projections) {
    for (const f of p.features) {
      const column = fullNames ? `${p.view.name}__${f.name}` : f.name;
      const clash = taken.get(column);
      if (clash)
        throw invalidParam(
          `Feature '${p.view.name}:${f.name}' would be column '${column}', already ${clash}${fullNames ? "" : "; use full names (view__feature)"}.`,
        );
      taken.set(column, `the column of '${p.view.name}:${f.name}'`);
      columns.set(`${p.view.name}:${f.name}`, { view: p.view.name, feature: f.name, column });
    }
  }
  return columns;
}

/** The source of a view; invalidParam when it names none. */
export function sourceOf(defs: FeatureDefinitions, view: FeatureViewSpec): SourceSpec {
  const s = defs.sources.find((x) => x.name === view.source);
  if (!s) throw invalidParam(`Feature view '${view.name}' names an unknown source '${view.source}'.`);
  return s;
}

/** The join key columns of a view: its entities' keys, in order. */
export function joinKeysOf(defs: FeatureDefinitions, view: FeatureViewSpec): string[] {
  return view.entities.flatMap(
    (name) => defs.entities.find((e) => e.name === name)?.join_keys.map((k) => k.name) ?? [],
  );
}

/** The source version read must still have the columns the view declares, with compatible types. */
export function checkSourceColumns(
  table: Table,
  source: SourceSpec,
  keys: string[],
  p: Projection,
  label: string,
): void {
  const problems: string[] = [];
  const need = (column: string, ok: (c: Column) => boolean, what: string) => {
    const c = table.column(column);
    if (!c) problems.push(`column '${column}' is missing`);
    else if (!ok(c)) problems.push(`column '${column}' is ${c.type}, expected ${what}`);
  };
  need(source.timestamp_field, (c) => c.type === "timestamp", "timestamp");
  if (source.created_timestamp_column)
    need(source.created_timestamp_column, (c) => c.type === "timestamp", "timestamp");
  for (const k of keys) need(k, () => true, "a join key");
  for (const f of p.features) need(f.name, (c) => satisfies(f.type, c.type), f.type);
  if (problems.length > 0) throw invalidParam(`In ${label}: ${problems.join("; ")}.`);
}
