/**
 * Differences between two dataset versions, computed from their stored profiles: columns added,
 * removed or retyped, numeric range and categorical domain changes, and statistics shifts (row
 * count, null rates, mean/std, category frequencies). Profiles are what inferred schemas come
 * from, so this needs no re-read of the data and no dependency on the validation module.
 */
import type { ColumnStatsDiff, DatasetDiff } from "../../core/api/platform-routes.js";
import type { ColumnProfile, DatasetProfile } from "../profile.js";
import type { DatasetVersion } from "./dataset-store.js";

/** Category frequency moves smaller than this (absolute share of rows) are not reported. */
const MIN_FREQUENCY_CHANGE = 0.001;
/** Most category changes reported per column. */
const MAX_CATEGORY_CHANGES = 20;

/** Diff version `b` against version `a`. */
export function diffVersions(a: DatasetVersion, b: DatasetVersion): DatasetDiff {
  const pa = JSON.parse(a.profileJson) as DatasetProfile;
  const pb = JSON.parse(b.profileJson) as DatasetProfile;
  return {
    a: { name: a.name, version: a.version, digest: a.digest },
    b: { name: b.name, version: b.version, digest: b.digest },
    identical: a.digest === b.digest,
    ...diffProfiles(pa, pb),
  };
}

/** The schema and statistics parts of a diff, from two profiles. */
export function diffProfiles(pa: DatasetProfile, pb: DatasetProfile): Pick<DatasetDiff, "schema" | "statistics"> {
  const ca = new Map(pa.columns.map((c) => [c.name, c]));
  const cb = new Map(pb.columns.map((c) => [c.name, c]));
  const both = pa.columns.filter((c) => cb.has(c.name)).map((c) => [c, cb.get(c.name) as ColumnProfile] as const);
  return {
    schema: {
      added_columns: pb.columns.filter((c) => !ca.has(c.name)).map((c) => ({ column: c.name, type: c.type })),
      removed_columns: pa.columns.filter((c) => !cb.has(c.name)).map((c) => ({ column: c.name, type: c.type })),
      type_changes: both
        .filter(([x, y]) => x.type !== y.type)
        .map(([x, y]) => ({ column: x.name, a: x.type, b: y.type })),
      range_changes: both.flatMap(([x, y]) => rangeChange(x, y)),
      domain_changes: both.flatMap(([x, y]) => domainChange(x, y)),
    },
    statistics: {
      rows: { a: pa.num_rows, b: pb.num_rows, change: pb.num_rows - pa.num_rows },
      columns: both.map(([x, y]) => columnStats(x, y)),
    },
  };
}

function rangeChange(x: ColumnProfile, y: ColumnProfile): DatasetDiff["schema"]["range_changes"] {
  if (!x.numeric || !y.numeric) return [];
  const a = { min: x.numeric.min, max: x.numeric.max };
  const b = { min: y.numeric.min, max: y.numeric.max };
  return a.min === b.min && a.max === b.max ? [] : [{ column: x.name, a, b }];
}

function domainChange(x: ColumnProfile, y: ColumnProfile): DatasetDiff["schema"]["domain_changes"] {
  const da = domainOf(x);
  const db = domainOf(y);
  // Without a full value list (high-cardinality columns) a domain comparison would be guesswork.
  if (!da || !db) return [];
  const added = [...db].filter((v) => !da.has(v)).sort();
  const removed = [...da].filter((v) => !db.has(v)).sort();
  return added.length || removed.length ? [{ column: x.name, added, removed }] : [];
}

function domainOf(c: ColumnProfile): Set<string> | undefined {
  const counts = c.categorical?.counts;
  return counts ? new Set(Object.keys(counts).filter((k) => (counts[k] ?? 0) > 0)) : undefined;
}

function columnStats(x: ColumnProfile, y: ColumnProfile): ColumnStatsDiff {
  const out: ColumnStatsDiff = { column: x.name, null_rate: { a: x.null_fraction, b: y.null_fraction } };
  if (x.numeric && y.numeric) {
    const { mean: ma, std: sa } = x.numeric;
    const { mean: mb, std: sb } = y.numeric;
    const shift = ma !== null && mb !== null && sa !== null && sa > 0 ? (mb - ma) / sa : null;
    out.mean = { a: ma, b: mb, shift_in_std: shift };
    out.std = { a: sa, b: sb };
  }
  const categories = categoryChanges(x, y);
  if (categories) out.categories = categories;
  return out;
}

/** Share of rows per category in each version, for values whose share moved. */
function categoryChanges(x: ColumnProfile, y: ColumnProfile): ColumnStatsDiff["categories"] {
  const fa = frequencies(x);
  const fb = frequencies(y);
  if (!fa || !fb) return undefined;
  const values = new Set([...fa.keys(), ...fb.keys()]);
  return [...values]
    .map((value) => {
      const a = fa.get(value) ?? 0;
      const b = fb.get(value) ?? 0;
      return { value, a, b, change: b - a };
    })
    .filter((c) => Math.abs(c.change) >= MIN_FREQUENCY_CHANGE)
    .sort((p, q) => Math.abs(q.change) - Math.abs(p.change) || p.value.localeCompare(q.value))
    .slice(0, MAX_CATEGORY_CHANGES);
}

/** Value → share of present values, from the full counts or else the top values. */
function frequencies(c: ColumnProfile): Map<string, number> | undefined {
  const cat = c.categorical;
  if (!cat || c.count === 0) return undefined;
  if (cat.counts) return new Map(Object.entries(cat.counts).map(([v, n]) => [v, n / c.count]));
  return new Map(cat.top.map((t) => [t.value, t.frequency]));
}
