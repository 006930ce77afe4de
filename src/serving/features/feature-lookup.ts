/**
 * Online features for a deployment with a feature service: the request signature (the models'
 * inputs with the service's features optional, plus its entity keys required) and the step that
 * completes a parsed request with the features read from the online store. The completed table is
 * what the models score and what the prediction log records, so monitoring sees what the model saw.
 */
import type { Clock } from "../../core/clock.js";
import { invalidParam } from "../../core/errors.js";
import type { Column, LogicalType } from "../../data/table.js";
import { Table, valueAt } from "../../data/table.js";
import type { KeyValue } from "../../features/online/entity-keys.js";
import { normalizeKeyValue } from "../../features/online/entity-keys.js";
import type { OnlinePlan } from "../../features/online/online-features.js";
import { readFeatures } from "../../features/online/online-features.js";
import type { OnlineStore } from "../../features/online/online-store.js";
import type { ModelSignature } from "../../learn/package/model-package.js";
import type { DeploymentFeatures } from "../deployments/deployment.js";

/** A deployment's feature service, planned. */
export interface FeatureLookup {
  readonly service: string;
  readonly missing: DeploymentFeatures["missing"];
  /** What requests are parsed against: feature inputs optional, entity keys required. */
  requestSignature(models: ModelSignature): ModelSignature;
  /** The request with each feature column filled from the online store (4xx by the missing policy). */
  complete(table: Table): Promise<Table>;
}

/** Plans a deployment's feature service (rejects an unknown one). */
export type FeatureLookupFactory = (features: DeploymentFeatures) => Promise<FeatureLookup>;

/** The factory over an online store and the registry's plans. */
export function featureLookupFactory(deps: {
  plan(sel: { service: string }): Promise<OnlinePlan>;
  store: OnlineStore;
  clock: Clock;
}): FeatureLookupFactory {
  return async (features) => lookupOf(features, await deps.plan({ service: features.service }), deps.store, deps.clock);
}

function lookupOf(features: DeploymentFeatures, plan: OnlinePlan, store: OnlineStore, clock: Clock): FeatureLookup {
  const featureNames = new Set(plan.featureNames);
  return {
    service: features.service,
    missing: features.missing,
    requestSignature: (models) => {
      const inputs = models.inputs.map((i) => (featureNames.has(i.name) ? { ...i, optional: true } : i));
      for (const k of plan.joinKeys) {
        const at = inputs.findIndex((i) => i.name === k.name);
        if (at >= 0) inputs[at] = { ...(inputs[at] as (typeof inputs)[number]), optional: false };
        else inputs.push({ name: k.name, type: k.type });
      }
      return { ...models, inputs };
    },
    complete: async (table) => {
      const keyValues = new Map<string, KeyValue[]>();
      for (const k of plan.joinKeys) keyValues.set(k.name, keyColumn(table, k.name, k.type, features.service));
      const read = await readFeatures(plan, keyValues, table.numRows, store, clock.now());
      const filled = new Map<string, Column>();
      for (const f of read) {
        const target = table.column(f.name);
        if (!target) continue;
        if (features.missing === "fail") failOnMissing(f.name, f.statuses, plan, keyValues, features.service);
        filled.set(f.name, columnOf(f.name, target.type, f.values));
      }
      return new Table(table.columns.map((c) => filled.get(c.name) ?? c));
    },
  };
}

function keyColumn(table: Table, name: string, type: LogicalType, service: string): KeyValue[] {
  const c = table.column(name) as Column;
  const out = new Array<KeyValue>(table.numRows);
  for (let i = 0; i < table.numRows; i++) {
    const v = valueAt(c, i);
    if (v === null)
      throw invalidParam(`Column '${name}' (an entity key of feature service '${service}') has no value in row ${i}.`);
    out[i] = normalizeKeyValue(v, type, `column '${name}' row ${i}`);
  }
  return out;
}

function failOnMissing(
  name: string,
  statuses: readonly string[],
  plan: OnlinePlan,
  keys: ReadonlyMap<string, KeyValue[]>,
  service: string,
): void {
  const i = statuses.findIndex((s) => s === "NOT_FOUND" || s === "OUTSIDE_MAX_AGE");
  if (i < 0) return;
  const entity = plan.joinKeys.map((k) => `${k.name}=${JSON.stringify(keys.get(k.name)?.[i])}`).join(", ");
  const why = statuses[i] === "NOT_FOUND" ? "not in the online store" : "older than its view's ttl";
  throw invalidParam(
    `Feature '${name}' of service '${service}' is ${why} (${statuses[i]}) for ${entity} (row ${i}); this deployment fails on missing features.`,
  );
}

/** A column of `type` from plain values (null stays null). */
export function columnOf(name: string, type: LogicalType, values: readonly unknown[]): Column {
  const n = values.length;
  let nulls: Uint8Array | undefined;
  const isNull = (i: number) => {
    nulls ??= new Uint8Array(n);
    nulls[i] = 1;
  };
  if (type === "string") {
    const dictionary: string[] = [];
    const index = new Map<string, number>();
    const codes = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === null || v === undefined) {
        codes[i] = -1;
        isNull(i);
        continue;
      }
      const s = String(v);
      let code = index.get(s);
      if (code === undefined) {
        code = dictionary.length;
        dictionary.push(s);
        index.set(s, code);
      }
      codes[i] = code;
    }
    return { name, type, codes, dictionary, length: n, ...(nulls ? { nulls } : {}) };
  }
  if (type === "bool") {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (v === null || v === undefined) isNull(i);
      else out[i] = v === true || v === 1 || v === "true" ? 1 : 0;
    }
    return { name, type, values: out, length: n, ...(nulls ? { nulls } : {}) };
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const x =
      typeof v === "number" ? v : typeof v === "boolean" ? Number(v) : typeof v === "string" ? Number(v) : Number.NaN;
    if (v === null || v === undefined || Number.isNaN(x)) {
      out[i] = Number.NaN;
      isNull(i);
    } else out[i] = x;
  }
  return { name, type, values: out, length: n, ...(nulls ? { nulls } : {}) };
}
