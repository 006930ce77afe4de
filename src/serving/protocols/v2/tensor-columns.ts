/** Tensor elements → table columns for the V2 request parser: datatype checks and column building. */
import type { MwError } from "../../../core/errors.js";
import type { Column } from "../../../data/table.js";
import type { SignatureInput } from "../../../learn/package/model-package.js";
import { type DatatypeKind, v2BadRequest } from "./datatypes.js";

// Strings a BYTES element may use for a bool column.
const BOOL_TEXT: ReadonlyMap<string, number> = new Map([
  ["true", 1],
  ["True", 1],
  ["TRUE", 1],
  ["1", 1],
  ["false", 0],
  ["False", 0],
  ["FALSE", 0],
  ["0", 0],
]);

// Past this many distinct strings in a column, codes are looked up in a Map instead of a scan.
const LINEAR_DICTIONARY = 16;

export function accepts(type: SignatureInput["type"], kind: DatatypeKind, single: boolean): boolean {
  switch (type) {
    case "int":
    case "float":
      return kind !== "bool";
    case "bool":
      return kind !== "num" || single;
    case "string":
      return kind === "bytes";
    default:
      return true;
  }
}

const EXPECTED: Record<SignatureInput["type"], string> = {
  int: "INT64 (or another numeric datatype, or BYTES holding numbers)",
  float: "FP64 (or another numeric datatype, or BYTES holding numbers)",
  bool: "BOOL",
  string: "BYTES",
  timestamp: "BYTES",
};

export function wrongDatatype(name: string, datatype: unknown, col: SignatureInput): MwError {
  return v2BadRequest(
    `Input tensor '${name}' has datatype ${String(datatype)}; column '${col.name}' (${col.type}) expects ${EXPECTED[col.type]}.`,
  );
}

export function unknownDatatype(name: string, datatype: unknown): MwError {
  return v2BadRequest(`Input tensor '${name}' has an unknown datatype ${JSON.stringify(datatype) ?? "undefined"}.`);
}

/** The tensor's elements in row-major order: `data` itself when flat, else a flattened copy. */
export function flatData(data: unknown, name: string): readonly unknown[] {
  if (!Array.isArray(data)) throw v2BadRequest(`Input tensor '${name}' has no 'data' array.`);
  if (data.length === 0 || !Array.isArray(data[0])) return data;
  const out: unknown[] = [];
  flattenInto(data, out);
  return out;
}

function flattenInto(data: readonly unknown[], out: unknown[]): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (Array.isArray(v)) flattenInto(v, out);
    else out.push(v);
  }
}

function badElement(tensor: string, index: number, value: unknown, col: SignatureInput): MwError {
  let text = JSON.stringify(value) ?? String(value);
  if (text.length > 40) text = `${text.slice(0, 40)}...`;
  return v2BadRequest(
    `Input tensor '${tensor}' element ${index} (${text}) is not a valid ${col.type} value for column '${col.name}'.`,
  );
}

/** Column `col` from elements `data[offset + r * stride]`, r < n. */
export function buildColumn(
  col: SignatureInput,
  data: readonly unknown[],
  offset: number,
  stride: number,
  n: number,
  kind: DatatypeKind,
  tensor: string,
): Column {
  const name = col.name;
  let nulls: Uint8Array | undefined;
  if (col.type === "string") {
    const codes = new Int32Array(n);
    const dictionary: string[] = [];
    let index: Map<string, number> | undefined;
    for (let r = 0, i = offset; r < n; r++, i += stride) {
      const v = data[i];
      let s: string;
      if (typeof v === "string" && v !== "") s = v;
      else if (v === null || v === undefined || v === "") {
        nulls ??= new Uint8Array(n);
        nulls[r] = 1;
        codes[r] = -1;
        continue;
      } else if (typeof v === "number" || typeof v === "boolean") s = String(v);
      else throw badElement(tensor, i, v, col);
      let code: number;
      if (index !== undefined) {
        code = index.get(s) ?? -1;
        if (code < 0) {
          code = dictionary.push(s) - 1;
          index.set(s, code);
        }
      } else {
        code = dictionary.indexOf(s);
        if (code < 0) {
          code = dictionary.push(s) - 1;
          if (dictionary.length > LINEAR_DICTIONARY) index = new Map(dictionary.map((d, j) => [d, j]));
        }
      }
      codes[r] = code;
    }
    return nulls
      ? { name, type: "string", length: n, codes, dictionary, nulls }
      : { name, type: "string", length: n, codes, dictionary };
  }
  if (col.type === "bool") {
    const values = new Uint8Array(n);
    for (let r = 0, i = offset; r < n; r++, i += stride) {
      const v = data[i];
      let b: number | undefined;
      if (typeof v === "boolean") b = v ? 1 : 0;
      else if (v === null || v === undefined || v === "") {
        nulls ??= new Uint8Array(n);
        nulls[r] = 1;
        continue;
      } else if (v === 0 || v === 1) b = v;
      else if (typeof v === "string" && kind === "bytes") b = BOOL_TEXT.get(v);
      if (b === undefined) throw badElement(tensor, i, v, col);
      values[r] = b;
    }
    return nulls ? { name, type: "bool", length: n, values, nulls } : { name, type: "bool", length: n, values };
  }
  // int, float, timestamp: float64 values, NaN where missing.
  const values = new Float64Array(n);
  const timestamp = col.type === "timestamp";
  for (let r = 0, i = offset; r < n; r++, i += stride) {
    const v = data[i];
    let x: number;
    if (typeof v === "number") x = v;
    else if (v === null || v === undefined) x = Number.NaN;
    else if (typeof v === "string" && kind === "bytes") {
      const t = v.trim();
      if (t === "") x = Number.NaN;
      else {
        x = timestamp ? Date.parse(t) : Number(t);
        if (!Number.isFinite(x)) throw badElement(tensor, i, v, col);
      }
    } else throw badElement(tensor, i, v, col);
    if (Number.isNaN(x)) {
      nulls ??= new Uint8Array(n);
      nulls[r] = 1;
    }
    values[r] = x;
  }
  const type = col.type;
  if (type === "timestamp") return nulls ? { name, type, length: n, values, nulls } : { name, type, length: n, values };
  return nulls ? { name, type, length: n, values, nulls } : { name, type, length: n, values };
}
