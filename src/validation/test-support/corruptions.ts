/**
 * Corruptions a validation schema must catch, applied to a clean batch: a quarter of a filled
 * column nulled, a few values far out of range, a numeric column moved far beyond its training
 * range, a category renamed to one never seen (the batch's most frequent one), numbers mixed with
 * text, two neighbouring columns' data swapped under their headers, a column gone.
 */
import type { ColumnProfile, DatasetProfile } from "../../data/profile.js";
import { type Column, isNull, type StringColumn, Table, valueAt } from "../../data/table.js";

export const CORRUPTION_KINDS = [
  "nulls",
  "out_of_range",
  "shift",
  "unseen_category",
  "type",
  "swapped",
  "dropped",
] as const;
export type CorruptionKind = (typeof CORRUPTION_KINDS)[number];

/** One corrupted batch: what was done to which column. */
export interface Corrupted {
  kind: CorruptionKind;
  column: string;
  table: Table;
  /**
   * A swap of two columns whose values the training data cannot tell apart (most of each
   * column's values lie within the other's categories, or its range widened by half its span, as
   * inferred ranges are): no per-column check can see it, only a distribution test could.
   */
  alike?: boolean;
}

/** Share of values moved out of range by `out_of_range` (at least 2 values). */
const OUTLIER_SHARE = 0.05;

/** Every corruption of `batch` that applies, given the training part's profile. */
export function corruptions(batch: Table, trained: DatasetProfile, random: () => number): Corrupted[] {
  const out: Corrupted[] = [];
  const profiles = trained.columns.filter((p) => batch.column(p.name));
  profiles.forEach((p, j) => {
    const c = batch.column(p.name) as Column;
    const replace = (kind: CorruptionKind, col: Column) =>
      out.push({ kind, column: p.name, table: new Table(batch.columns.map((x) => (x === c ? col : x))) });
    if (presentFraction(c) >= 0.9) replace("nulls", withNulls(c, 0.25, random));
    const span = rangeSpan(p);
    if (span !== undefined && (c.type === "int" || c.type === "float")) {
      replace("out_of_range", withOutliers(c, (p.numeric?.max as number) + 1.5 * span, random));
      replace("shift", { ...c, values: c.values.map((v) => v + 2 * Math.max(span, magnitude(p))) });
    }
    if (c.type === "string" && p.categorical && p.distinct <= 20) {
      const top = mostFrequent(c);
      if (top !== undefined) replace("unseen_category", renamed(c, top));
    }
    if (p.numeric && (c.type === "int" || c.type === "float")) replace("type", withText(c, 0.1, random));
    const next = profiles[j + 1];
    if (next) out.push(swapped(batch, p, next));
    out.push({ kind: "dropped", column: p.name, table: batch.select(batch.columnNames.filter((n) => n !== p.name)) });
  });
  return out;
}

function presentFraction(c: Column): number {
  if (!c.nulls || c.length === 0) return 1;
  return c.nulls.reduce((n, x) => n + (x === 0 ? 1 : 0), 0) / c.length;
}

function withNulls(c: Column, share: number, random: () => number): Column {
  const nulls = c.nulls ? Uint8Array.from(c.nulls) : new Uint8Array(c.length);
  for (let i = 0; i < c.length; i++) if (random() < share) nulls[i] = 1;
  if (c.type === "string") return { ...c, nulls, codes: c.codes.map((k, i) => (nulls[i] === 1 ? -1 : k)) };
  return { ...c, nulls } as Column;
}

/**
 * The training column's span (max − min): undefined for constant or non-numeric columns, and for
 * id-like columns (all values distinct integers), where a range is not meaningful.
 */
function rangeSpan(p: ColumnProfile): number | undefined {
  const s = p.numeric;
  if (!s || s.min === null || s.max === null || s.max === s.min) return undefined;
  if (p.type === "int" && p.nulls === 0 && p.distinct === p.count) return undefined;
  return s.max - s.min;
}

function magnitude(p: ColumnProfile): number {
  return Math.max(Math.abs(p.numeric?.min ?? 0), Math.abs(p.numeric?.max ?? 0));
}

/** About `OUTLIER_SHARE` of the present values (at least 2) set to `value`, as a unit or entry error would. */
function withOutliers(c: Column & { values: Float64Array }, value: number, random: () => number): Column {
  const present = Array.from({ length: c.length }, (_, i) => i).filter((i) => !isNull(c, i));
  const k = Math.min(present.length, Math.max(2, Math.ceil(OUTLIER_SHARE * present.length)));
  const values = Float64Array.from(c.values);
  for (let n = 0; n < k; n++) {
    const at = n + Math.floor(random() * (present.length - n));
    [present[n], present[at]] = [present[at] as number, present[n] as number];
    values[present[n] as number] = c.type === "int" ? Math.ceil(value) : value;
  }
  return { ...c, values } as Column;
}

function mostFrequent(c: StringColumn): string | undefined {
  const counts = new Int32Array(c.dictionary.length);
  c.codes.forEach((k, i) => {
    if (k >= 0 && c.nulls?.[i] !== 1) counts[k]++;
  });
  let best = -1;
  counts.forEach((n, k) => {
    if (n > 0 && (best < 0 || n > (counts[best] as number))) best = k;
  });
  return best < 0 ? undefined : c.dictionary[best];
}

function renamed(c: StringColumn, value: string): StringColumn {
  return { ...c, dictionary: c.dictionary.map((d) => (d === value ? `${d} (never seen)` : d)) };
}

/** The column as text, with about `share` of its present values replaced by a spreadsheet error. */
function withText(c: Column, share: number, random: () => number): StringColumn {
  const dict = new Map<string, number>();
  const codes = new Int32Array(c.length);
  let first = true;
  for (let i = 0; i < c.length; i++) {
    const v = valueAt(c, i);
    if (v === null) {
      codes[i] = -1;
      continue;
    }
    // The first present value always, so even a tiny batch holds one.
    const s = first || random() < share ? "#VALUE!" : String(v);
    first = false;
    let k = dict.get(s);
    if (k === undefined) {
      k = dict.size;
      dict.set(s, k);
    }
    codes[i] = k;
  }
  return {
    name: c.name,
    type: "string",
    length: c.length,
    codes,
    dictionary: [...dict.keys()],
    ...(c.nulls ? { nulls: c.nulls } : {}),
  };
}

/** Columns `a` and `b` with each other's data under their own headers (a reordered export). */
function swapped(batch: Table, a: ColumnProfile, b: ColumnProfile): Corrupted {
  const ca = batch.column(a.name) as Column;
  const cb = batch.column(b.name) as Column;
  const columns = batch.columns.map((x) =>
    x === ca ? { ...cb, name: a.name } : x === cb ? { ...ca, name: b.name } : x,
  );
  const alike = !tellApart(ca, b) && !tellApart(cb, a);
  return { kind: "swapped", column: `${a.name}<->${b.name}`, table: new Table(columns as Column[]), alike };
}

/**
 * True when most of `c`'s values could not come from the training column `p`: another kind, or
 * outside its categories or its range widened by half its span on each side.
 */
function tellApart(c: Column, p: ColumnProfile): boolean {
  if (kindOf(c.type) !== kindOf(p.type)) return true;
  let present = 0;
  let inside = 0;
  const s = p.numeric;
  const seen = p.categorical?.counts;
  // Inferred ranges leave room beyond the observed extremes (up to 0.9 of the span for heavy tails).
  const pad = s ? 0.5 * ((s.max as number) - (s.min as number)) : 0;
  const [lo, hi] = s ? [(s.min as number) - pad, (s.max as number) + pad] : [0, 0];
  for (let i = 0; i < c.length; i++) {
    const v = valueAt(c, i);
    if (v === null) continue;
    present++;
    if (s && typeof v === "number" && v >= lo && v <= hi) inside++;
    else if (seen && typeof v === "string" && seen[v] !== undefined) inside++;
    else if (!s && !seen) inside++;
  }
  return present > 0 && inside < 0.5 * present;
}

function kindOf(type: Column["type"]): string {
  return type === "int" || type === "float" ? "number" : type;
}
