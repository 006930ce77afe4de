/** Which columns a page of runs offers, and which few are shown before the user picks. */
import type { Run } from "../../../../src/core/api/mlflow-entities";

/** Every `metrics.*`, `params.*` and `tags.*` key on the page (metrics first, then by how many runs have it). */
export function pageKeys(runs: Run[]): string[] {
  const count = new Map<string, number>();
  const add = (k: string) => count.set(k, (count.get(k) ?? 0) + 1);
  for (const r of runs) {
    for (const m of r.data.metrics ?? []) add(`metrics.${m.key}`);
    for (const p of r.data.params ?? []) add(`params.${p.key}`);
    for (const t of r.data.tags ?? []) add(`tags.${t.key}`);
  }
  const rank = (k: string) => (k.startsWith("metrics.") ? 0 : k.startsWith("params.") ? 1 : 2);
  // Keys most runs share come first: they are the useful default columns and top of the picker.
  return [...count.keys()].sort(
    (a, b) => rank(a) - rank(b) || (count.get(b) ?? 0) - (count.get(a) ?? 0) || a.localeCompare(b),
  );
}

/** A few metrics and params: enough to compare runs at a glance without a wall of columns. */
export function defaultColumns(keys: string[], perKind = 4): string[] {
  const pick = (prefix: string) => keys.filter((k) => k.startsWith(prefix)).slice(0, perKind);
  return [...pick("metrics."), ...pick("params.")];
}
