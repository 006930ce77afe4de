/**
 * Rows in time order — event time, then created time, then row — built with stable radix passes
 * over typed arrays (no comparator, no per-row objects), or found already in order (sources are
 * usually appended in time order) and left as they are.
 */

/** A timestamp column as the order needs it: values with a null mask (NaN counts as null too). */
export interface TimeValues {
  values: Float64Array;
  nulls?: Uint8Array | undefined;
}

/**
 * The rows that have a time (and a group ≥ 0 when `groups` is given), ordered by time; `created`
 * (optional) breaks ties, a missing created time first; then the row order.
 */
export function timeOrder(time: TimeValues, options: { groups?: Int32Array; created?: TimeValues } = {}): Int32Array {
  const { groups, created } = options;
  const values = time.values;
  const nulls = time.nulls;
  const n = values.length;
  let rows: Int32Array = new Int32Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (
      Number.isNaN(v) ||
      (nulls !== undefined && nulls[i] === 1) ||
      (groups !== undefined && (groups[i] as number) < 0)
    )
      continue;
    rows[m++] = i;
  }
  rows = rows.subarray(0, m);
  if (inTimeOrder(rows, time, created)) return rows;
  // In time order but for a few tied rows written out of order (corrections): fix those ties.
  if (created && inTimeOrder(rows, time) && orderTies(rows, time, created)) return rows;
  // Least significant first: row order is the identity already, then created, then time.
  if (created) rows = radixSort(rows, sortKeys(rows, created));
  return radixSort(rows, sortKeys(rows, time));
}

/**
 * True when every row has a time (and a group ≥ 0) and the rows are in time order as stored, ties
 * by created time: an append-only log, which needs no ordering at all.
 */
export function storedInTimeOrder(time: TimeValues, groups: Int32Array, created?: TimeValues): boolean {
  const values = time.values;
  const nulls = time.nulls;
  const n = values.length;
  let prev = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v) || (nulls !== undefined && nulls[i] === 1) || (groups[i] as number) < 0 || v < prev)
      return false;
    if (v === prev && created && createdAt(created, i - 1) > createdAt(created, i)) return false;
    prev = v;
  }
  return true;
}

/** The longest run of equal times sorted in place by created time; longer runs go to the radix sort. */
const MAX_TIED_RUN = 64;

/** Sort each run of equal times by created time (insertion, stable); false when a run is too long. */
function orderTies(rows: Int32Array, time: TimeValues, created: TimeValues): boolean {
  const values = time.values;
  let start = 0;
  for (let k = 1; k <= rows.length; k++) {
    if (k < rows.length && values[rows[k] as number] === values[rows[start] as number]) continue;
    if (k - start > 1 && !runInOrder(rows, start, k, created)) {
      if (k - start > MAX_TIED_RUN) return false;
      for (let i = start + 1; i < k; i++) {
        const r = rows[i] as number;
        const c = createdAt(created, r);
        let j = i - 1;
        while (j >= start && createdAt(created, rows[j] as number) > c) {
          rows[j + 1] = rows[j] as number;
          j--;
        }
        rows[j + 1] = r;
      }
    }
    start = k;
  }
  return true;
}

function runInOrder(rows: Int32Array, start: number, end: number, created: TimeValues): boolean {
  for (let k = start + 1; k < end; k++)
    if (createdAt(created, rows[k - 1] as number) > createdAt(created, rows[k] as number)) return false;
  return true;
}

function present(t: TimeValues, i: number): boolean {
  return t.nulls?.[i] !== 1 && !Number.isNaN(t.values[i] as number);
}

/** A missing created time sorts first (it never wins a tie against a known one). */
function createdAt(t: TimeValues, i: number): number {
  return present(t, i) ? (t.values[i] as number) : Number.NEGATIVE_INFINITY;
}

/** True when rows are already by (event, created): sources are usually appended in time order. */
function inTimeOrder(rows: Int32Array, time: TimeValues, created?: TimeValues): boolean {
  const values = time.values;
  for (let k = 1; k < rows.length; k++) {
    const a = rows[k - 1] as number;
    const b = rows[k] as number;
    const ea = values[a] as number;
    const eb = values[b] as number;
    if (ea > eb) return false;
    if (ea === eb && created && createdAt(created, a) > createdAt(created, b)) return false;
  }
  return true;
}

/** 64-bit sortable keys, as high and low 32-bit halves, one per entry of the rows being sorted. */
interface Keys {
  hi: Uint32Array;
  lo: Uint32Array;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
// Which half of a float64's bytes holds its sign and exponent on this machine.
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * The keys of `rows` (in their order) whose unsigned order is the values' order; integer times
 * (milliseconds) become offsets from the minimum, which usually leaves the high half all zero.
 */
function sortKeys(rows: Int32Array, t: TimeValues): Keys {
  const m = rows.length;
  const hi = new Uint32Array(m);
  const lo = new Uint32Array(m);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let integral = true;
  let seconds = true;
  for (let k = 0; k < m; k++) {
    const i = rows[k] as number;
    if (!present(t, i)) continue;
    const v = t.values[i] as number;
    if (v < min) min = v;
    if (v > max) max = v;
    if (integral && !Number.isInteger(v)) integral = false;
    if (seconds && v % 1000 !== 0) seconds = false;
  }
  if (integral && !(max - min >= Number.MAX_SAFE_INTEGER - 1)) {
    // Whole seconds count in seconds: fewer key bits, fewer passes. Missing values keep 0, so they sort first.
    const unit = seconds ? 1000 : 1;
    for (let k = 0; k < m; k++) {
      const i = rows[k] as number;
      if (!present(t, i)) continue;
      const off = ((t.values[i] as number) - min) / unit + 1;
      hi[k] = Math.floor(off / 4294967296);
      lo[k] = off >>> 0;
    }
    return { hi, lo };
  }
  for (let k = 0; k < m; k++) {
    const i = rows[k] as number;
    const v = present(t, i) ? (t.values[i] as number) : Number.NEGATIVE_INFINITY;
    F64[0] = v === 0 ? 0 : v;
    // IEEE 754 bits order like the numbers once negatives are inverted and positives get the sign bit.
    const h = U32[HIGH] as number;
    const l = U32[1 - HIGH] as number;
    const negative = (h & 0x80000000) !== 0;
    hi[k] = negative ? ~h >>> 0 : (h | 0x80000000) >>> 0;
    lo[k] = negative ? ~l >>> 0 : l;
  }
  return { hi, lo };
}

const BITS = 11;
const BUCKETS = 1 << BITS;
const MASK = BUCKETS - 1;
/** Digit positions: three of 11 bits (the last 10) in each 32-bit half, low half first. */
const DIGITS: readonly [0 | 1, number][] = [
  [0, 0],
  [0, 11],
  [0, 22],
  [1, 0],
  [1, 11],
  [1, 22],
];

/**
 * Stable LSD radix sort of `rows` by their keys (`keys` in the order of `rows`; reused as scratch).
 * The keys travel with their rows, so each pass
 * reads memory in order; all digit counts come from one pass, and a digit position where every
 * row has the same digit is skipped.
 */
function radixSort(rows: Int32Array, keys: Keys): Int32Array {
  const m = rows.length;
  let r0 = rows;
  let k0: readonly [Uint32Array, Uint32Array] = [keys.lo, keys.hi];
  let r1: Int32Array = new Int32Array(m);
  let k1: readonly [Uint32Array, Uint32Array] = [new Uint32Array(m), new Uint32Array(m)];
  const counts = DIGITS.map(() => new Uint32Array(BUCKETS));
  const [c0, c1, c2, c3, c4, c5] = counts as [
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
  ];
  const [lo, hi] = k0;
  for (let k = 0; k < m; k++) {
    const a = lo[k] as number;
    const b = hi[k] as number;
    c0[a & MASK] = (c0[a & MASK] as number) + 1;
    c1[(a >>> 11) & MASK] = (c1[(a >>> 11) & MASK] as number) + 1;
    c2[a >>> 22] = (c2[a >>> 22] as number) + 1;
    c3[b & MASK] = (c3[b & MASK] as number) + 1;
    c4[(b >>> 11) & MASK] = (c4[(b >>> 11) & MASK] as number) + 1;
    c5[b >>> 22] = (c5[b >>> 22] as number) + 1;
  }
  for (let p = 0; p < DIGITS.length; p++) {
    const [word, shift] = DIGITS[p] as [0 | 1, number];
    const next = counts[p] as Uint32Array;
    if (m === 0 || next[((k0[word][0] as number) >>> shift) & MASK] === m) continue;
    let sum = 0;
    for (let d = 0; d < BUCKETS; d++) {
      const c = next[d] as number;
      next[d] = sum;
      sum += c;
    }
    const digits = k0[word];
    const [lo0, hi0] = k0;
    const [lo1, hi1] = k1;
    const src = r0;
    const dst = r1;
    for (let k = 0; k < m; k++) {
      const d = ((digits[k] as number) >>> shift) & MASK;
      const at = next[d] as number;
      next[d] = at + 1;
      dst[at] = src[k] as number;
      lo1[at] = lo0[k] as number;
      hi1[at] = hi0[k] as number;
    }
    [r0, r1] = [r1, r0];
    [k0, k1] = [k1, k0];
  }
  return r0;
}
