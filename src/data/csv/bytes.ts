/**
 * Byte-level cell parsers used by the CSV hot loop: numbers, ISO timestamps and booleans straight
 * from a byte range, without allocating a string per cell.
 */

/** Kind of the last {@link parseNumberBytes} result. */
export const NUM_INT = 0;
export const NUM_FLOAT = 1;
export const NUM_NULL = 2;
export const NUM_BAD = 3;

/** Written by {@link scanNumber} and {@link parseNumberBytes}: the kind and the value (NaN unless INT/FLOAT). */
export const numState = { kind: NUM_INT, value: 0 };

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const SPACE = 32;
const TAB = 9;

/** Tokens that also mean "missing" in a numeric column (blank cells always do). */
export const NULL_TOKENS = new Set(["NA", "N/A", "NaN", "nan", "null", "NULL", "None"]);

function isSpace(b: number): boolean {
  return b === SPACE || b === TAB;
}

/** True when bytes [s, e) are empty or only spaces/tabs. */
export function isBlank(buf: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) if (!isSpace(buf[i] as number)) return false;
  return true;
}

/**
 * Parse a plain decimal (`-12`, `3.25`, up to 19 significant digits) from `s` up to the first delimiter,
 * line break or `end`; sets numState and returns where it stopped, or -1 for anything else (the caller
 * then takes the general path). An empty cell is NUM_NULL.
 */
export function scanNumber(buf: Uint8Array, s: number, end: number, delim: number): number {
  let i = s;
  let neg = false;
  if (i < end && buf[i] === 45) {
    neg = true;
    i++;
  } else if (i < end && buf[i] === 43) i++;
  let hi = 0;
  let lo = 0;
  let loDigits = 0;
  let sig = 0;
  let digits = 0;
  let scale = 0;
  let isInt = true;
  let b = 0;
  for (; i < end; i++) {
    b = buf[i] as number;
    const d = b - 48;
    if (d >= 0 && d <= 9) {
      digits++;
      if (sig < 15) {
        if (sig > 0 || d !== 0) sig++;
        hi = hi * 10 + d;
      } else if (sig < 19) {
        sig++;
        lo = lo * 10 + d;
        loDigits++;
      } else return -1;
      if (!isInt) scale--;
    } else if (b === 46 && isInt) isInt = false;
    else break;
  }
  if (i < end && b !== delim && b !== 10 && b !== 13) return -1;
  if (digits === 0) {
    if (i !== s) return -1;
    numState.kind = NUM_NULL;
    numState.value = Number.NaN;
    return i;
  }
  if (scale < -22) return -1;
  const v = loDigits === 0 ? (scale === 0 ? hi : hi / (POW10[-scale] as number)) : wideValue(hi, lo, loDigits, scale);
  numState.value = neg ? -v : v;
  numState.kind = isInt && Number.isSafeInteger(v) ? NUM_INT : NUM_FLOAT;
  return i;
}

const SPLIT = 134217729;

/** The exact rounding error of the product a*b = p (Dekker's TwoProduct without FMA). */
function productError(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/**
 * (hi·10^d + lo) / 10^-scale for 16–19 significant digits, in double-double arithmetic so the result
 * matches a correctly rounded parse (Clinger's fast path only covers 15 digits).
 */
function wideValue(hi: number, lo: number, d: number, scale: number): number {
  const p10 = POW10[d] as number;
  const mh = hi * p10;
  const t = productError(hi, p10, mh) + lo;
  const sum = mh + t;
  const bv = sum - mh;
  const ml = mh - (sum - bv) + (t - bv);
  if (scale === 0) return sum;
  const P = POW10[-scale] as number;
  const q = sum / P;
  const p = q * P;
  const r = sum - p - productError(q, P, p) + ml;
  return q + r / P;
}

/** Parse a number from bytes [s, e) (spaces, exponents and null tokens allowed); sets numState.kind, returns the value. */
export function parseNumberBytes(buf: Buffer, s: number, e: number): number {
  while (s < e && isSpace(buf[s] as number)) s++;
  while (e > s && isSpace(buf[e - 1] as number)) e--;
  if (scanNumber(buf, s, e, -1) === e) return numState.value;
  return slowNumber(buf, s, e);
}

function slowNumber(buf: Buffer, s: number, e: number): number {
  const text = buf.toString("latin1", s, e);
  // Number() accepts hex, binary and "Infinity"; a CSV number is decimal digits with an optional exponent.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return badOrNull(buf, s, e);
  const v = Number(text);
  numState.kind = /^[+-]?\d+$/.test(text) && Number.isSafeInteger(v) ? NUM_INT : NUM_FLOAT;
  numState.value = v;
  return v;
}

function badOrNull(buf: Buffer, s: number, e: number): number {
  numState.value = Number.NaN;
  numState.kind = e - s <= 4 && NULL_TOKENS.has(buf.toString("latin1", s, e)) ? NUM_NULL : NUM_BAD;
  return Number.NaN;
}

function digitsAt(buf: Uint8Array, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const d = (buf[i + k] as number) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Parse `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH[:]MM]` from bytes [s, e) to epoch ms; NaN when it is not one. */
export function parseTimestampBytes(buf: Uint8Array, s: number, e: number): number {
  while (s < e && isSpace(buf[s] as number)) s++;
  while (e > s && isSpace(buf[e - 1] as number)) e--;
  if (e - s < 10 || buf[s + 4] !== 45 || buf[s + 7] !== 45) return Number.NaN;
  const y = digitsAt(buf, s, 4);
  const mo = digitsAt(buf, s + 5, 2);
  const d = digitsAt(buf, s + 8, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > (DAYS[mo - 1] as number)) return Number.NaN;
  if (mo === 2 && d === 29 && (y % 4 !== 0 || (y % 100 === 0 && y % 400 !== 0))) return Number.NaN;
  let ms = Date.UTC(y, mo - 1, d);
  let i = s + 10;
  if (i === e) return ms;
  if ((buf[i] !== 84 && buf[i] !== 32) || e - i < 6 || buf[i + 3] !== 58) return Number.NaN;
  const hh = digitsAt(buf, i + 1, 2);
  const mm = digitsAt(buf, i + 4, 2);
  if (hh < 0 || hh > 23 || mm < 0 || mm > 59) return Number.NaN;
  ms += hh * 3_600_000 + mm * 60_000;
  i += 6;
  if (i < e && buf[i] === 58) {
    const ss = digitsAt(buf, i + 1, 2);
    if (ss < 0 || ss > 59) return Number.NaN;
    ms += ss * 1000;
    i += 3;
    if (i < e && buf[i] === 46) {
      let frac = 0;
      let scale = 100;
      for (i++; i < e && (buf[i] as number) >= 48 && (buf[i] as number) <= 57; i++, scale /= 10) {
        frac += ((buf[i] as number) - 48) * scale;
      }
      ms += Math.floor(frac);
    }
  }
  return zoneOffset(buf, i, e, ms);
}

function zoneOffset(buf: Uint8Array, i: number, e: number, ms: number): number {
  if (i === e) return ms;
  if (buf[i] === 90 && i + 1 === e) return ms;
  const sign = buf[i] === 43 ? -1 : buf[i] === 45 ? 1 : 0;
  if (sign === 0) return Number.NaN;
  const hh = digitsAt(buf, i + 1, 2);
  const colon = buf[i + 3] === 58 ? 1 : 0;
  const mm = digitsAt(buf, i + 3 + colon, 2);
  if (hh < 0 || mm < 0 || i + 5 + colon !== e) return Number.NaN;
  return ms + sign * (hh * 3_600_000 + mm * 60_000);
}

const TRUE_WORDS = new Set(["true", "t", "yes", "y", "1"]);
const FALSE_WORDS = new Set(["false", "f", "no", "n", "0"]);

/** Parse a boolean word from bytes [s, e): 1, 0, or -1 when it is not one (blank is handled by the caller). */
export function parseBoolBytes(buf: Buffer, s: number, e: number): number {
  if (e - s > 8) return -1;
  const w = buf.toString("latin1", s, e).trim().toLowerCase();
  if (TRUE_WORDS.has(w)) return 1;
  if (FALSE_WORDS.has(w)) return 0;
  return -1;
}
