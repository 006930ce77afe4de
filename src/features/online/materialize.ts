/**
 * Materialization: each online view's latest row per entity within a time window, read from the
 * view's source dataset and written to the online store (which keeps the newer event time, so a
 * rerun or an older late row changes nothing). The window is inclusive at both ends, as Feast's.
 * Incremental runs start at the view's watermark (the end of its last run) and move it to their end.
 */
import type { Clock } from "../../core/clock.js";
import { invalidParam } from "../../core/errors.js";
import type { Column, Table } from "../../data/table.js";
import { valueAt } from "../../data/table.js";
import type { EntitySpec, FeatureDefinitions, FeatureViewSpec } from "../definitions/feature-spec.js";
import type { LoadedDataset } from "../offline/historical-features.js";
import { checkSourceColumns, joinKeysOf, sourceOf } from "../offline/historical-features.js";
import type { KeyValue } from "./entity-keys.js";
import { encodeEntityKey, sourceKeyValue } from "./entity-keys.js";
import type { OnlineRecord, OnlineStore } from "./online-store.js";

/** What to materialize. */
export interface MaterializeRequest {
  /** The window's start (ms, inclusive); ignored when `incremental`. */
  start?: number | undefined;
  /** The window's end (ms, inclusive). */
  end: number;
  /** Start each view at its watermark (or `end - ttl`, or the beginning when it has neither). */
  incremental?: boolean | undefined;
  /** Views to materialize (default every view with `online: true`). */
  views?: readonly string[] | undefined;
}

/** Progress of one view: rows scanned of the source (every `progressEvery`), then records written (every chunk). */
export interface MaterializeProgress {
  view: string;
  phase: "scan" | "write";
  done: number;
  total: number;
}

export interface MaterializeDeps {
  definitions: FeatureDefinitions;
  loadDataset(name: string, version?: number): Promise<LoadedDataset>;
  store: OnlineStore;
  clock: Clock;
  /** Called every `progressEvery` rows (default 100,000) of a phase, and at its end. */
  onProgress?: ((p: MaterializeProgress) => void) | undefined;
  progressEvery?: number | undefined;
}

/** What one view's materialization did (snake_case: it is the CLI's JSON). */
export interface ViewMaterialization {
  view: string;
  dataset: string;
  dataset_version: number;
  /** The window's start (ms; null: from the beginning) and end (ms). */
  start: number | null;
  end: number;
  source_rows: number;
  rows_in_window: number;
  entities: number;
  written: number;
  /** Entities whose stored value is newer than the window's latest row. */
  skipped: number;
  watermark: number;
}

const WRITE_CHUNK = 10_000;

/** Materialize the selected views into the online store. */
export async function materialize(req: MaterializeRequest, deps: MaterializeDeps): Promise<ViewMaterialization[]> {
  if (!Number.isFinite(req.end)) throw invalidParam("end: expected a time.");
  if (!req.incremental && (req.start === undefined || !Number.isFinite(req.start)))
    throw invalidParam("start: expected a time (or run materialize-incremental).");
  if (!req.incremental && (req.start as number) > req.end) throw invalidParam("start: must be at or before end.");
  const out: ViewMaterialization[] = [];
  for (const view of selectedViews(deps.definitions, req.views)) {
    const state = await deps.store.viewState(view.name);
    const start = req.incremental ? incrementalStart(state.watermark, view, req.end) : (req.start as number);
    out.push(await materializeView(view, start, req.end, deps));
  }
  return out;
}

/** The views a request names, each online; every view with `online: true` by default. */
export function selectedViews(defs: FeatureDefinitions, names: readonly string[] | undefined): FeatureViewSpec[] {
  if (names === undefined || names.length === 0) return defs.feature_views.filter((v) => v.online);
  return names.map((name) => {
    const v = defs.feature_views.find((x) => x.name === name);
    if (!v) throw invalidParam(`views: unknown feature view '${name}'.`);
    if (!v.online) throw invalidParam(`views: feature view '${name}' is not online (online: false).`);
    return v;
  });
}

/** Where an incremental run starts: the watermark, else `end - ttl`, else the beginning (null). */
function incrementalStart(watermark: number | undefined, view: FeatureViewSpec, end: number): number | null {
  if (watermark !== undefined) return Math.min(watermark, end);
  return view.ttl_ms > 0 ? end - view.ttl_ms : null;
}

async function materializeView(
  view: FeatureViewSpec,
  start: number | null,
  end: number,
  deps: MaterializeDeps,
): Promise<ViewMaterialization> {
  const defs = deps.definitions;
  const source = sourceOf(defs, view);
  const data = await deps.loadDataset(source.dataset, source.version);
  const keys = joinKeysOf(defs, view);
  checkSourceColumns(
    data.table,
    source,
    keys,
    { view, features: view.features },
    `dataset '${source.dataset}@${data.version}' (source '${source.name}' of view '${view.name}')`,
  );
  const every = deps.progressEvery ?? 100_000;
  const report = (phase: MaterializeProgress["phase"], done: number, total: number) =>
    deps.onProgress?.({ view: view.name, phase, done, total });
  const latest = latestRows(data.table, {
    keys: keys.map((k) => ({ column: data.table.column(k) as Column, type: keyTypeOf(defs.entities, view, k) })),
    eventTime: data.table.column(source.timestamp_field) as Column,
    created: source.created_timestamp_column ? data.table.column(source.created_timestamp_column) : undefined,
    start: start ?? Number.NEGATIVE_INFINITY,
    end,
    every,
    report: (done) => report("scan", done, data.table.numRows),
  });
  const features = view.features.map((f) => ({ name: f.name, column: data.table.column(f.name) as Column }));
  const records: OnlineRecord[] = [];
  let written = 0;
  let done = 0;
  const flush = async () => {
    written += (await deps.store.write(view.name, records, deps.clock.now())).written;
    done += records.length;
    records.length = 0;
    report("write", done, latest.best.size);
  };
  for (const [key, row] of latest.best) {
    const values: Record<string, unknown> = {};
    for (const f of features) values[f.name] = valueAt(f.column, row.row);
    records.push({ key, eventTime: row.time, createdTime: row.created, values });
    if (records.length >= WRITE_CHUNK) await flush();
  }
  if (records.length > 0) await flush();
  await deps.store.advanceWatermark(view.name, end);
  const state = await deps.store.viewState(view.name);
  return {
    view: view.name,
    dataset: source.dataset,
    dataset_version: data.version,
    start,
    end,
    source_rows: data.table.numRows,
    rows_in_window: latest.inWindow,
    entities: latest.best.size,
    written,
    skipped: latest.best.size - written,
    watermark: state.watermark ?? end,
  };
}

interface Best {
  row: number;
  time: number;
  created: number;
}

/** Each key's latest row in the window: latest event time, then created time, then the later row. */
function latestRows(
  table: Table,
  o: {
    keys: { column: Column; type: EntitySpec["join_keys"][number]["type"] }[];
    eventTime: Column;
    created: Column | undefined;
    start: number;
    end: number;
    every: number;
    report: (done: number) => void;
  },
): { best: Map<string, Best>; inWindow: number } {
  const best = new Map<string, Best>();
  const n = table.numRows;
  const times = o.eventTime;
  let inWindow = 0;
  const keyValues: KeyValue[] = new Array(o.keys.length);
  rows: for (let i = 0; i < n; i++) {
    if (i > 0 && i % o.every === 0) o.report(i);
    if (times.nulls?.[i] === 1 || times.type === "string") continue;
    const t = times.values[i] as number;
    if (!(t >= o.start && t <= o.end)) continue;
    for (let k = 0; k < o.keys.length; k++) {
      const spec = o.keys[k] as (typeof o.keys)[number];
      const v = sourceKeyValue(valueAt(spec.column, i), spec.type);
      if (v === null) continue rows;
      keyValues[k] = v;
    }
    inWindow++;
    const c =
      o.created && o.created.nulls?.[i] !== 1 && o.created.type !== "string" ? (o.created.values[i] as number) : 0;
    const key = encodeEntityKey(keyValues);
    const b = best.get(key);
    if (!b || t > b.time || (t === b.time && c >= b.created)) best.set(key, { row: i, time: t, created: c });
  }
  o.report(n);
  return { best, inWindow };
}

/** The declared type of a join key of a view (the entity's). */
export function keyTypeOf(entities: readonly EntitySpec[], view: FeatureViewSpec, key: string) {
  for (const name of view.entities) {
    const k = entities.find((e) => e.name === name)?.join_keys.find((j) => j.name === key);
    if (k) return k.type;
  }
  return "string" as const;
}
