/**
 * Online feature reads: the selected features of each entity from the online store, each with a
 * status and its event time. Unlike Feast, the view's ttl is enforced on reads: a value older than
 * the ttl is not served (`OUTSIDE_MAX_AGE`, value null, with its event time).
 */
import type { FieldStatus } from "../../core/api/feature-routes.js";
import { invalidParam, isMwError, MwError } from "../../core/errors.js";
import { resolveRefs, serviceNamed } from "../definitions/feature-refs.js";
import type { FeatureDefinitions, ValueType } from "../definitions/feature-spec.js";
import { joinKeysOf } from "../offline/historical-features.js";
import type { KeyValue } from "./entity-keys.js";
import { encodeEntityKey, normalizeKeyValue } from "./entity-keys.js";
import { keyTypeOf } from "./materialize.js";
import type { OnlineStore } from "./online-store.js";

/** What one read plan reads: per view, its join keys and the selected features with their output names. */
export interface OnlinePlan {
  views: {
    name: string;
    ttlMs: number;
    keys: { name: string; type: ValueType }[];
    features: { name: string; type: ValueType; output: string }[];
  }[];
  /** Every join key the plan needs, in first-use order. */
  joinKeys: { name: string; type: ValueType }[];
  /** Output feature names in order. */
  featureNames: string[];
}

/** One feature's values for every entity row. */
export interface FeatureColumn {
  name: string;
  type: ValueType;
  values: unknown[];
  statuses: FieldStatus[];
  /** Event time per row (ms), 0 when not found. */
  eventTimes: number[];
}

/** Resolve a selection (a service, or `view:feature` references) into a read plan. */
export function planOnline(
  defs: FeatureDefinitions,
  sel: { service?: string | undefined; features?: readonly string[] | undefined; fullNames?: boolean | undefined },
): OnlinePlan {
  const field = sel.service !== undefined ? "feature_service" : "features";
  if (sel.service !== undefined && sel.features !== undefined)
    throw invalidParam("Give features or feature_service, not both.");
  let projections: ReturnType<typeof resolveRefs>;
  try {
    const refs = sel.service !== undefined ? serviceNamed(defs, sel.service).features : [...(sel.features ?? [])];
    projections = resolveRefs(refs, defs);
  } catch (e) {
    if (isMwError(e)) throw new MwError(e.code, `${field}: ${e.message}`);
    throw e;
  }
  const joinKeys = new Map<string, ValueType>();
  const names = new Set<string>();
  const views = projections.map((p) => {
    const keys = joinKeysOf(defs, p.view).map((name) => ({ name, type: keyTypeOf(defs.entities, p.view, name) }));
    for (const k of keys) if (!joinKeys.has(k.name)) joinKeys.set(k.name, k.type);
    const features = p.features.map((f) => {
      const output = sel.fullNames ? `${p.view.name}__${f.name}` : f.name;
      if (names.has(output) || joinKeys.has(output))
        throw invalidParam(
          `${field}: two selected features (or a feature and a join key) are both named '${output}'; use full feature names.`,
        );
      names.add(output);
      return { name: f.name, type: f.type, output };
    });
    return { name: p.view.name, ttlMs: p.view.ttl_ms, keys, features };
  });
  return {
    views,
    joinKeys: [...joinKeys].map(([name, type]) => ({ name, type })),
    featureNames: views.flatMap((v) => v.features.map((f) => f.output)),
  };
}

/** Read the plan's features for `rows` entity rows whose join key values are in `keyValues` (by key name, normalized). */
export async function readFeatures(
  plan: OnlinePlan,
  keyValues: ReadonlyMap<string, readonly KeyValue[]>,
  rows: number,
  store: OnlineStore,
  now: number,
): Promise<FeatureColumn[]> {
  const perView = await Promise.all(
    plan.views.map((v) => {
      const cols = v.keys.map((k) => keyValues.get(k.name) as readonly KeyValue[]);
      const keys = new Array<string>(rows);
      for (let i = 0; i < rows; i++) keys[i] = encodeEntityKey(cols.map((c) => c[i] as KeyValue));
      return store.read(v.name, keys);
    }),
  );
  const out: FeatureColumn[] = [];
  plan.views.forEach((v, vi) => {
    const stored = perView[vi] as Awaited<ReturnType<OnlineStore["read"]>>;
    for (const f of v.features) {
      const col: FeatureColumn = { name: f.output, type: f.type, values: [], statuses: [], eventTimes: [] };
      for (let i = 0; i < rows; i++) {
        const r = stored[i];
        const value = r?.values[f.name] ?? null;
        const stale = r !== undefined && v.ttlMs > 0 && now - r.eventTime > v.ttlMs;
        col.values.push(r === undefined || stale ? null : value);
        col.statuses.push(
          r === undefined ? "NOT_FOUND" : stale ? "OUTSIDE_MAX_AGE" : value === null ? "NULL_VALUE" : "PRESENT",
        );
        col.eventTimes.push(r?.eventTime ?? 0);
      }
      out.push(col);
    }
  });
  return out;
}

/** The entity rows of a request (`{key: [values]}`), checked and normalized; invalidParam naming the field. */
export function entityRows(
  plan: OnlinePlan,
  entities: unknown,
  maxRows: number,
): { rows: number; keyValues: Map<string, KeyValue[]>; given: Map<string, unknown[]> } {
  if (entities === null || typeof entities !== "object" || Array.isArray(entities))
    throw invalidParam("entities: expected an object of join key name to a list of values.");
  const given = new Map<string, unknown[]>();
  let rows = -1;
  for (const [name, values] of Object.entries(entities)) {
    if (!Array.isArray(values)) throw invalidParam(`entities.${name}: expected a list of values.`);
    if (rows >= 0 && values.length !== rows)
      throw invalidParam(`entities.${name}: has ${values.length} values, other keys have ${rows}.`);
    rows = values.length;
    given.set(name, values);
  }
  if (rows <= 0) throw invalidParam("entities: expected at least one entity (a key with a non-empty list).");
  if (rows > maxRows) throw invalidParam(`entities: ${rows} entities; at most ${maxRows} per request.`);
  const keyValues = new Map<string, KeyValue[]>();
  for (const k of plan.joinKeys) {
    const values = given.get(k.name);
    if (!values)
      throw invalidParam(
        `entities.${k.name}: missing; the selected features need join key(s) ${plan.joinKeys.map((j) => j.name).join(", ")}.`,
      );
    keyValues.set(
      k.name,
      values.map((v, i) => normalizeKeyValue(v, k.type, `entities.${k.name}[${i}]`)),
    );
  }
  return { rows, keyValues, given };
}
