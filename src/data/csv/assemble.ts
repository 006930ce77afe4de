/** Concatenate per-range parse results into the Table's columns, merging string dictionaries. */
import type { Column } from "../table.js";
import type { DictBytes } from "./byte-dict.js";
import { ByteDict, decodeDict } from "./byte-dict.js";
import type { ChunkColumn } from "./chunk-types.js";
import { MODE_BOOL, MODE_INT, MODE_NUMBER, MODE_STRING, MODE_TIMESTAMP } from "./chunk-types.js";

/** One Table column from the same column of every chunk, in order (or one joined part and its decoded dictionary). */
export function assembleColumn(
  name: string,
  parts: ChunkColumn[],
  sizes: number[],
  declaredFloat = false,
  dictionary?: string[],
): Column {
  const length = sizes.reduce((a, b) => a + b, 0);
  const first = parts[0] as ChunkColumn;
  const nulls = concatNulls(parts, sizes, length);
  const base = { name, length, ...(nulls ? { nulls } : {}) };
  switch (first.mode) {
    case MODE_STRING: {
      if (dictionary) return { ...base, type: "string", codes: first.codes as Int32Array, dictionary };
      const merged = mergeStrings(parts, length);
      return { ...base, type: "string", codes: merged.codes, dictionary: merged.dictionary };
    }
    case MODE_BOOL:
      return {
        ...base,
        type: "bool",
        values: concat(
          parts.map((p) => p.values as Uint8Array),
          Uint8Array,
          length,
        ),
      };
    case MODE_TIMESTAMP:
      return { ...base, type: "timestamp", values: concatF64(parts, length) };
    case MODE_INT:
    case MODE_NUMBER: {
      const hasValue = !nulls || nulls.some((v) => v === 0);
      const isInt = first.mode === MODE_INT || (!declaredFloat && hasValue && parts.every((p) => p.allInt));
      return { ...base, type: isInt ? "int" : "float", values: concatF64(parts, length) };
    }
    default:
      throw new Error(`column '${name}' was not parsed`);
  }
}

function concatF64(parts: ChunkColumn[], length: number): Float64Array {
  return concat(
    parts.map((p) => p.values as Float64Array),
    Float64Array,
    length,
  );
}

function concat<T extends Float64Array | Uint8Array | Int32Array>(
  arrays: T[],
  Ctor: new (n: number) => T,
  length: number,
): T {
  if (arrays.length === 1 && (arrays[0] as T).length === length) return arrays[0] as T;
  const out = new Ctor(length);
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

function concatNulls(parts: ChunkColumn[], sizes: number[], length: number): Uint8Array | undefined {
  if (parts.every((p) => p.nulls === undefined)) return undefined;
  const out = new Uint8Array(length);
  let at = 0;
  parts.forEach((p, i) => {
    if (p.nulls) out.set(p.nulls, at);
    at += sizes[i] as number;
  });
  return out;
}

/** Merge each chunk's dictionary into one (in first-seen order) and remap the codes. */
function mergeStrings(parts: ChunkColumn[], length: number): { codes: Int32Array; dictionary: string[] } {
  if (parts.length === 1) {
    const p = parts[0] as ChunkColumn;
    return { codes: concat([p.codes as Int32Array], Int32Array, length), dictionary: decodeDict(p.dict as DictBytes) };
  }
  const merged = new ByteDict();
  const codes = new Int32Array(length);
  let at = 0;
  for (const p of parts) {
    const d = p.dict as DictBytes;
    const remap = new Int32Array(d.offsets.length - 1);
    for (let i = 0; i < remap.length; i++)
      remap[i] = merged.code(d.arena, d.offsets[i] as number, d.offsets[i + 1] as number);
    const src = p.codes as Int32Array;
    for (let i = 0; i < src.length; i++) {
      const c = src[i] as number;
      codes[at + i] = c < 0 ? -1 : (remap[c] as number);
    }
    at += src.length;
  }
  return { codes, dictionary: decodeDict(merged.toBytes()) };
}
