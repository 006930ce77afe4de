/**
 * A logged row's label and inputs as one blob: the code of its schema (the input names, in
 * order, as a JSON array in the deployment's dictionary), the label, then one token per input
 * (see value-tokens.ts). Inputs that are not a JSON object are kept as their text (schema 0).
 * Read back, the inputs are canonical JSON text: the same keys and values as logged.
 */
import { ByteReader, type ByteWriter } from "./bytes.js";
import type { LoggedValue } from "./value-tokens.js";
import { readToken, SCORE_AS_TEXT, writeCode, writeJsonValue, writeScoreText, writeText } from "./value-tokens.js";

/** Longest string worth a dictionary code; longer ones are kept inline. */
export const MAX_CODED_LENGTH = 64;

/** A row's inputs as parsed: its schema text and values, or the raw text when not a JSON object. */
export interface ParsedInputs {
  /** `JSON.stringify` of the input names in order; undefined for raw text. */
  schema: string | undefined;
  names: readonly string[];
  values: readonly unknown[];
  raw: string;
}

/** The names array of the last schema seen, reused while rows keep the same names. */
let lastNames: string[] = [];
let lastSchema = "[]";

/** Parse a row's inputs JSON (never throws: anything but an object is raw text). */
export function parseInputs(text: string): ParsedInputs {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return { schema: undefined, names: [], values: [], raw: text };
  }
  if (v === null || typeof v !== "object" || Array.isArray(v))
    return { schema: undefined, names: [], values: [], raw: text };
  const record = v as Record<string, unknown>;
  const names = Object.keys(record);
  let same = names.length === lastNames.length;
  for (let i = 0; same && i < names.length; i++) same = names[i] === lastNames[i];
  if (!same) {
    lastNames = names;
    lastSchema = JSON.stringify(names);
  }
  return { schema: lastSchema, names: lastNames, values: lastNames.map((n) => record[n]), raw: text };
}

/** True for a string the dictionary should hold (short enough to be a category). */
export function codable(v: unknown): v is string {
  return typeof v === "string" && v.length <= MAX_CODED_LENGTH;
}

/** Encode a row's blob into `w` (reset first); `codeOf` gives dictionary codes (undefined: inline). */
export function encodeRowData(
  w: ByteWriter,
  schemaCode: number | undefined,
  label: string,
  score: number,
  inputs: ParsedInputs,
  codeOf: (s: string) => number | undefined,
): Buffer {
  if (typeof label !== "string") throw new TypeError("a prediction record's label must be a string");
  w.reset();
  w.varint(inputs.schema === undefined || schemaCode === undefined ? 0 : schemaCode + 1);
  if (label === String(score)) writeScoreText(w);
  else writeString(w, label, codeOf);
  if (inputs.schema === undefined || schemaCode === undefined) {
    w.text(inputs.raw, () => {});
    return w.copy();
  }
  for (const v of inputs.values) {
    if (typeof v === "string") writeString(w, v, codeOf);
    else writeJsonValue(w, v);
  }
  return w.copy();
}

function writeString(w: ByteWriter, s: string, codeOf: (s: string) => number | undefined): void {
  const code = codable(s) ? codeOf(s) : undefined;
  if (code === undefined) writeText(w, s);
  else writeCode(w, code);
}

/** What decoding needs from the deployment's dictionary. */
export interface DecodeDictionary {
  /** The string of a code; throws when the dictionary has no such code. */
  text(code: number): string;
  /** The JSON text of a code's string (cached). */
  json(code: number): string;
  /** The input names of a schema code, and each one's `"name":` text (cached). */
  schema(code: number): { names: readonly string[]; keys: readonly string[] };
}

/** The label and inputs (canonical JSON text) of a blob. */
export function decodeRowJson(
  bytes: Uint8Array,
  score: number,
  dict: DecodeDictionary,
): { label: string; inputs: string } {
  const r = new ByteReader(bytes);
  const schema = r.varint();
  const label = labelOf(readToken(r), score, dict);
  if (schema === 0) return { label, inputs: r.rest() };
  const { keys } = dict.schema(schema - 1);
  let s = "";
  for (let i = 0; i < keys.length; i++) {
    s += `${i === 0 ? "{" : ","}${keys[i]}${jsonOf(readToken(r), dict)}`;
  }
  return { label, inputs: keys.length === 0 ? "{}" : `${s}}` };
}

/** The label of a blob alone (the inputs are not read). */
export function decodeRowLabel(bytes: Uint8Array, score: number, dict: DecodeDictionary): string {
  const r = new ByteReader(bytes);
  r.varint();
  return labelOf(readToken(r), score, dict);
}

/** The label, schema code and values of a blob (JSON objects and arrays as `{ json }`). */
export function decodeRowValues(
  bytes: Uint8Array,
  score: number,
  dict: DecodeDictionary,
): { label: string; schema: number | undefined; values: LoggedValue[]; raw?: string } {
  const r = new ByteReader(bytes);
  const schema = r.varint();
  const label = labelOf(readToken(r), score, dict);
  if (schema === 0) return { label, schema: undefined, values: [], raw: r.rest() };
  const n = dict.schema(schema - 1).names.length;
  const values: LoggedValue[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const t = readToken(r);
    values[i] = t === SCORE_AS_TEXT ? null : isCode(t) ? dict.text(t.code) : t;
  }
  return { label, schema: schema - 1, values };
}

function isCode(t: unknown): t is { code: number } {
  return typeof t === "object" && t !== null && "code" in t;
}

function labelOf(t: ReturnType<typeof readToken>, score: number, dict: DecodeDictionary): string {
  if (t === SCORE_AS_TEXT) return String(score);
  if (isCode(t)) return dict.text(t.code);
  if (typeof t === "string") return t;
  throw new RangeError("malformed label in log data");
}

function jsonOf(t: ReturnType<typeof readToken>, dict: DecodeDictionary): string {
  if (isCode(t)) return dict.json(t.code);
  if (t === null || t === SCORE_AS_TEXT) return "null";
  if (typeof t === "string") return JSON.stringify(t);
  if (typeof t === "object") return t.json;
  return String(t);
}
