/** Batch loading of registry entities: one query per table for a whole page. */
import type { KeyValue, ModelVersion, RegisteredModel, RegisteredModelAlias } from "../../core/api/mlflow-entities.js";
import type { Queryable, SqlValue } from "../../core/db/database.js";
import { INSERTION_ORDER } from "../../core/db/insertion-order.js";
import { groupBy, placeholders } from "../../tracking/sql/rows.js";
import type { ModelVersionRow, RegisteredModelRow, VersionKey } from "./rows.js";
import { toModelVersion, toRegisteredModel, VERSION_COLUMNS, versionKey } from "./rows.js";

// SQLite nests OR chains one level per term and caps expression depth at 1000.
const KEYS_PER_QUERY = 200;
const NAMES_PER_QUERY = 500;

/** `(name = ? AND version = ?) OR ...` for a chunk of keys, with its values. */
function keysCondition(keys: readonly VersionKey[], prefix = ""): { sql: string; params: SqlValue[] } {
  const params: SqlValue[] = [];
  for (const k of keys) params.push(k.name, k.version);
  const one = `(${prefix}name = ? AND ${prefix}version = ?)`;
  return { sql: keys.map(() => one).join(" OR "), params };
}

async function chunked<K, R>(items: readonly K[], size: number, fn: (chunk: readonly K[]) => Promise<R[]>) {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await fn(items.slice(i, i + size))));
  return out;
}

/** Live (not deleted) versions by key, in key order, with tags and aliases; others are skipped. */
export async function loadVersions(q: Queryable, keys: readonly VersionKey[]): Promise<ModelVersion[]> {
  const rows = await chunked(keys, KEYS_PER_QUERY, (chunk) => {
    const c = keysCondition(chunk, "mv.");
    return q.all<ModelVersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM model_versions mv WHERE mv.deleted = 0 AND (${c.sql})`,
      c.params,
    );
  });
  const byKey = new Map(rows.map((r) => [versionKey(r.name, Number(r.version)), r]));
  const ordered = keys.flatMap((k) => byKey.get(versionKey(k.name, k.version)) ?? []);
  return hydrateVersions(q, ordered);
}

/** Version rows as wire entities, with their tags and aliases. */
export async function hydrateVersions(q: Queryable, rows: readonly ModelVersionRow[]): Promise<ModelVersion[]> {
  const keys = rows.map((r) => ({ name: r.name, version: Number(r.version) }));
  const [tags, aliases] = await Promise.all([
    chunked(keys, KEYS_PER_QUERY, (chunk) => {
      const c = keysCondition(chunk);
      return q.all<KeyValue & VersionKey>(
        `SELECT name, version, key, value FROM model_version_tags WHERE ${c.sql} ORDER BY ${INSERTION_ORDER}`,
        c.params,
      );
    }),
    chunked(keys, KEYS_PER_QUERY, (chunk) => {
      const c = keysCondition(chunk);
      return q.all<VersionKey & { alias: string }>(
        `SELECT name, version, alias FROM registered_model_aliases WHERE ${c.sql} ORDER BY alias`,
        c.params,
      );
    }),
  ]);
  const t = groupBy(tags, (r) => versionKey(r.name, Number(r.version)));
  const a = groupBy(aliases, (r) => versionKey(r.name, Number(r.version)));
  return rows.map((r) => {
    const k = versionKey(r.name, Number(r.version));
    const kv = (t.get(k) ?? []).map((x) => ({ key: x.key, value: x.value }));
    return toModelVersion(
      r,
      kv,
      (a.get(k) ?? []).map((x) => x.alias),
    );
  });
}

/** Registered models by name, in name order given, each with latest versions, tags and aliases. */
export async function loadModels(q: Queryable, names: readonly string[]): Promise<RegisteredModel[]> {
  return chunked(names, NAMES_PER_QUERY, (chunk) => loadModelChunk(q, chunk));
}

async function loadModelChunk(q: Queryable, names: readonly string[]): Promise<RegisteredModel[]> {
  const ph = placeholders(names.length);
  const [rows, tags, aliases, latest] = await Promise.all([
    q.all<RegisteredModelRow>(`SELECT * FROM registered_models WHERE name IN (${ph})`, names),
    q.all<KeyValue & { name: string }>(
      `SELECT name, key, value FROM registered_model_tags WHERE name IN (${ph}) ORDER BY ${INSERTION_ORDER}`,
      names,
    ),
    q.all<{ name: string; alias: string; version: number }>(
      `SELECT name, alias, version FROM registered_model_aliases WHERE name IN (${ph}) ORDER BY alias`,
      names,
    ),
    latestVersions(q, names),
  ]);
  const byName = new Map(rows.map((r) => [r.name, r]));
  const t = groupBy(tags, (r) => r.name);
  const a = groupBy(aliases, (r) => r.name);
  const l = groupBy(latest, (v) => v.name);
  return names.flatMap((name) => {
    const r = byName.get(name);
    if (!r) return [];
    const kv = (t.get(name) ?? []).map((x) => ({ key: x.key, value: x.value }));
    const al: RegisteredModelAlias[] = (a.get(name) ?? []).map((x) => ({ alias: x.alias, version: String(x.version) }));
    return [toRegisteredModel(r, l.get(name) ?? [], kv, al)];
  });
}

/**
 * The latest READY version per stage of each model. MLflow builds this map walking versions in
 * ascending order, so stages come in the order of their lowest version; that order is kept.
 */
export async function latestVersions(q: Queryable, names: readonly string[]): Promise<ModelVersion[]> {
  const groups = await q.all<{ name: string; version: number; first: number }>(
    `SELECT name, MAX(version) AS version, MIN(version) AS first FROM model_versions
     WHERE name IN (${placeholders(names.length)}) AND deleted = 0 AND status = 'READY'
     GROUP BY name, current_stage`,
    names,
  );
  groups.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : Number(x.first) - Number(y.first)));
  return loadVersions(
    q,
    groups.map((g) => ({ name: g.name, version: Number(g.version) })),
  );
}
