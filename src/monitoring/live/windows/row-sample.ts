/**
 * A bounded uniform sample of a bucket's rows (their numerical inputs), for the tests that need
 * values rather than counts (Kolmogorov–Smirnov, Wasserstein, binnings that depend on both sides).
 * Rows enter by reservoir sampling; two samples of disjoint rows merge into a uniform sample of
 * the union (how many come from each side is drawn hypergeometrically).
 */

export interface RowSample {
  /** Rows offered (every row of the bucket). */
  seen: number;
  /** Most rows kept. */
  capacity: number;
  /** The numerical inputs sampled, one column each. */
  names: string[];
  /** Per name, the kept rows' values (`size` of them; NaN where the row had no finite value). */
  columns: Float64Array[];
  size: number;
}

/** An empty sample of `names`. */
export function emptySample(names: readonly string[], capacity: number): RowSample {
  return { seen: 0, capacity, names: [...names], columns: names.map(() => new Float64Array(capacity)), size: 0 };
}

/** Offer one row (`values[k]` for `names[k]`): kept with probability capacity / seen (Algorithm R). */
export function offerRow(s: RowSample, values: ArrayLike<number>, random: () => number): void {
  s.seen++;
  let slot: number;
  if (s.size < s.capacity) slot = s.size++;
  else {
    slot = Math.floor(random() * s.seen);
    if (slot >= s.capacity) return;
  }
  for (let k = 0; k < s.columns.length; k++) (s.columns[k] as Float64Array)[slot] = values[k] as number;
}

/** A uniform sample of the union of two disjoint samples' rows, of at most `capacity` rows. */
export function mergeSamples(a: RowSample, b: RowSample, capacity: number, random: () => number): RowSample {
  const names = a.names.length >= b.names.length ? a.names : b.names;
  const out = emptySample(names, capacity);
  out.seen = a.seen + b.seen;
  const k = Math.min(out.seen, capacity);
  // How many of the k come from a: draws without replacement from a's and b's rows.
  let fromA = 0;
  let restA = a.seen;
  let restB = b.seen;
  for (let j = 0; j < k; j++) {
    if (random() * (restA + restB) < restA) {
      fromA++;
      restA--;
    } else restB--;
  }
  // Never more than a side holds (only when capacities differ, e.g. after a configuration change).
  fromA = Math.min(fromA, a.size);
  copyRows(out, a, pickIndices(a.size, fromA, random));
  copyRows(out, b, pickIndices(b.size, Math.min(k - fromA, b.size), random));
  return out;
}

/** `k` distinct indices out of `n`, uniformly (a partial Fisher–Yates shuffle), ascending. */
export function pickIndices(n: number, k: number, random: () => number): Uint32Array {
  if (k > n) throw new RangeError(`cannot pick ${k} of ${n}`);
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(random() * (n - i));
    const t = idx[i] as number;
    idx[i] = idx[j] as number;
    idx[j] = t;
  }
  return idx.slice(0, k).sort();
}

/** Append rows `rows` of `from` to `into` (columns matched by name; a missing one gives NaN). */
function copyRows(into: RowSample, from: RowSample, rows: Uint32Array): void {
  for (let c = 0; c < into.names.length; c++) {
    const src = from.columns[from.names.indexOf(into.names[c] as string)];
    const dst = into.columns[c] as Float64Array;
    for (let j = 0; j < rows.length; j++) dst[into.size + j] = src ? (src[rows[j] as number] as number) : Number.NaN;
  }
  into.size += rows.length;
}

/** A copy holding exactly the kept rows (for storage). */
export function trimmed(s: RowSample): RowSample {
  return { ...s, names: [...s.names], columns: s.columns.map((c) => c.slice(0, s.size)) };
}
