/** What an apply changes: objects added, changed (with the fields that differ) and removed. */
import type { AnyObject, FeatureDefinitions, ObjectKind } from "./feature-spec.js";
import { objectsOf } from "./feature-spec.js";

/** One object's change between two registry versions. */
export interface ObjectChange {
  kind: ObjectKind;
  name: string;
  change: "added" | "changed" | "removed";
  /** For `changed`: the top-level fields that differ. */
  fields?: string[];
}

/** The changes from `before` to `after`, kind by kind, by name; unchanged objects are left out. */
export function diffDefinitions(before: FeatureDefinitions, after: FeatureDefinitions): ObjectChange[] {
  const key = (o: AnyObject) => `${o.kind}/${o.spec.name}`;
  const old = new Map(objectsOf(before).map((o) => [key(o), o]));
  const now = new Map(objectsOf(after).map((o) => [key(o), o]));
  const changes: ObjectChange[] = [];
  for (const [k, o] of now) {
    const was = old.get(k);
    if (!was) changes.push({ kind: o.kind, name: o.spec.name, change: "added" });
    else {
      const fields = changedFields(was.spec as object, o.spec as object);
      if (fields.length > 0) changes.push({ kind: o.kind, name: o.spec.name, change: "changed", fields });
    }
  }
  for (const [k, o] of old) if (!now.has(k)) changes.push({ kind: o.kind, name: o.spec.name, change: "removed" });
  return changes.sort((a, b) => order(a) - order(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

const KIND_ORDER: Record<ObjectKind, number> = { entity: 0, source: 1, feature_view: 2, feature_service: 3 };

function order(c: ObjectChange): number {
  return KIND_ORDER[c.kind];
}

function changedFields(a: object, b: object): string[] {
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(ra), ...Object.keys(rb)])].sort();
  return keys.filter((k) => stableJson(ra[k]) !== stableJson(rb[k]));
}

/** JSON with object keys sorted, so equal values always give equal text (digests, comparisons). */
export function stableJson(value: unknown): string {
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(",")}}`;
}
