/**
 * One logged value as a varint token (then, for a few kinds, its bytes). Even tokens are
 * dictionary codes (`code * 2`): categories cost one byte while the deployment's dictionary holds
 * fewer than 64 strings. Odd tokens are `1 + 2 * (kind + 8 * p)`:
 *   0 integer p · 1 integer -(p+1) · 2 decimal +m/10^s · 3 decimal -m/10^s, with p = m * 8 + (s - 1)
 *   4 special p: null, false, true, float64 (8 bytes follow), "the score as text" (labels)
 *   5 string of p UTF-8 bytes · 6 JSON object or array of p UTF-8 bytes
 * Decimals keep what JSON wrote (29.85 is 2985 at scale 2, three bytes); anything else a float64.
 */
import type { ByteReader, ByteWriter } from "./bytes.js";

const INT = 0;
const NEG_INT = 1;
const DECIMAL = 2;
const NEG_DECIMAL = 3;
const SPECIAL = 4;
const TEXT = 5;
const JSON_TEXT = 6;

const NULL = 0;
const FALSE = 1;
const TRUE = 2;
const FLOAT64 = 3;
const SCORE_TEXT = 4;

/** Integers and decimal mantissas this far from zero keep the token below 2^53. */
const MAX_PAYLOAD = 2 ** 48;
const MAX_SCALE = 8;
const POWERS = Array.from({ length: MAX_SCALE + 1 }, (_, i) => 10 ** i);

/** A stored value as read back: JSON objects and arrays stay as their text. */
export type LoggedValue = string | number | boolean | null | { json: string };

/** Marks "the score as text" (a regression label) when reading a label token. */
export const SCORE_AS_TEXT: unique symbol = Symbol("score as text");

function odd(w: ByteWriter, kind: number, p: number): void {
  w.varint(1 + 2 * (kind + 8 * p));
}

/** A dictionary string. */
export function writeCode(w: ByteWriter, code: number): void {
  w.varint(code * 2);
}

/** A string kept inline (not in the dictionary). */
export function writeText(w: ByteWriter, s: string): void {
  w.text(s, (n) => odd(w, TEXT, n));
}

/** The label that is the score as text (`String(score)`). */
export function writeScoreText(w: ByteWriter): void {
  odd(w, SPECIAL, SCORE_TEXT);
}

/** A JSON value other than a string (strings go through {@link writeCode} or {@link writeText}). */
export function writeJsonValue(w: ByteWriter, v: unknown): void {
  if (v === null || v === undefined) odd(w, SPECIAL, NULL);
  else if (typeof v === "boolean") odd(w, SPECIAL, v ? TRUE : FALSE);
  else if (typeof v === "number") writeNumber(w, v);
  else if (typeof v === "string") writeText(w, v);
  else w.text(JSON.stringify(v), (n) => odd(w, JSON_TEXT, n));
}

function writeNumber(w: ByteWriter, v: number): void {
  const abs = Math.abs(v);
  if (Number.isInteger(v) && abs < MAX_PAYLOAD && !Object.is(v, -0)) {
    if (v >= 0) odd(w, INT, v);
    else odd(w, NEG_INT, -v - 1);
    return;
  }
  const scale = decimalScale(abs);
  const power = POWERS[scale] as number;
  const m = Math.round(abs * power);
  if (scale > 0 && m * 8 < MAX_PAYLOAD && m / power === abs) {
    odd(w, v > 0 ? DECIMAL : NEG_DECIMAL, m * 8 + scale - 1);
    return;
  }
  odd(w, SPECIAL, FLOAT64);
  w.float64(v);
}

/** Digits after the point in the shortest text of `abs` (0 when not a short plain decimal). */
function decimalScale(abs: number): number {
  if (!Number.isFinite(abs) || abs === 0) return 0;
  const s = String(abs);
  const dot = s.indexOf(".");
  if (dot < 0 || s.includes("e")) return 0;
  const scale = s.length - dot - 1;
  return scale <= MAX_SCALE ? scale : 0;
}

/** Read one token: a dictionary code comes back as `{ code }`. */
export function readToken(r: ByteReader): LoggedValue | { code: number } | typeof SCORE_AS_TEXT {
  const t = r.varint();
  if (t % 2 === 0) return { code: t / 2 };
  const u = (t - 1) / 2;
  const kind = u % 8;
  const p = (u - kind) / 8;
  switch (kind) {
    case INT:
      return p;
    case NEG_INT:
      return -p - 1;
    case DECIMAL:
    case NEG_DECIMAL: {
      const scale = (p % 8) + 1;
      const v = (p - (scale - 1)) / 8 / (POWERS[scale] as number);
      return kind === DECIMAL ? v : -v;
    }
    case SPECIAL:
      return readSpecial(r, p);
    case TEXT:
      return r.text(p);
    case JSON_TEXT:
      return { json: r.text(p) };
    default:
      throw new RangeError(`unknown log value kind ${kind}`);
  }
}

function readSpecial(r: ByteReader, p: number): LoggedValue | typeof SCORE_AS_TEXT {
  if (p === NULL) return null;
  if (p === FALSE) return false;
  if (p === TRUE) return true;
  if (p === FLOAT64) return r.float64();
  if (p === SCORE_TEXT) return SCORE_AS_TEXT;
  throw new RangeError(`unknown special log value ${p}`);
}
