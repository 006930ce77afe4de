/**
 * The values of a pickled numpy array, read from the inert records of inert-pickle.ts: numpy
 * pickles an array as `_reconstruct(ndarray, (0,), b'b')` then BUILD with (version, shape, dtype,
 * is_fortran, raw bytes or a list of objects), or, from protocol 5, as `_frombuffer(buffer, dtype,
 * shape, order)`; a dtype is `dtype(typestr, False, True)` then BUILD with (version, byte order,
 * ..., element size, ...). Numbers, booleans, fixed-width unicode and object arrays of 1 dimension
 * are read; anything else gives undefined.
 */
import { isPyGlobal, isPyObject, isPyTuple, type PyObject } from "./inert-pickle.js";

const NUMPY_CORE = ["numpy.core.multiarray", "numpy._core.multiarray"];
const NUMPY_NUMERIC = ["numpy.core.numeric", "numpy._core.numeric"];

/** A scalar an array holds, as JavaScript has it. */
export type NumpyScalar = number | bigint | boolean | string | null;

interface Dtype {
  kind: string;
  size: number;
  littleEndian: boolean;
}

function dtypeOf(v: unknown): Dtype | undefined {
  if (!isPyObject(v) || !isPyGlobal(v.callable, "numpy", "dtype")) return undefined;
  const typestr = v.args[0];
  if (typeof typestr !== "string") return undefined;
  const match = /^([<>|=]?)([biufUOS])(\d*)$/.exec(typestr);
  if (!match) return undefined;
  const state = isPyTuple(v.state) ? v.state.items : [];
  const order = typeof state[1] === "string" ? state[1] : (match[1] as string);
  const elsize = typeof state[5] === "number" && state[5] > 0 ? state[5] : undefined;
  const kind = match[2] as string;
  const digits = Number(match[3] || (kind === "b" ? 1 : 8));
  const size = elsize ?? (kind === "U" ? digits * 4 : digits);
  return { kind, size, littleEndian: order !== ">" };
}

/** Bytes from a bytes value, or from `_codecs.encode(text, 'latin1')` (protocols 0 and 1). */
function bytesOf(v: unknown): Uint8Array | undefined {
  if (v instanceof Uint8Array) return v;
  if (isPyObject(v) && isPyGlobal(v.callable, "_codecs", "encode") && typeof v.args[0] === "string") {
    return Uint8Array.from(v.args[0] as string, (c) => c.charCodeAt(0) & 0xff);
  }
  if (typeof v === "string") return Uint8Array.from(v, (c) => c.charCodeAt(0) & 0xff);
  return undefined;
}

/** The elements of a one-dimensional pickled array, or undefined when `v` is not one this reads. */
export function numpyArrayValues(v: unknown): NumpyScalar[] | undefined {
  if (!isPyObject(v)) return undefined;
  if (isPyGlobal(v.callable, NUMPY_NUMERIC, "_frombuffer")) {
    const [buffer, dtype, shape] = v.args;
    return decode(bytesOf(buffer), dtypeOf(dtype), shape);
  }
  if (!isPyGlobal(v.callable, NUMPY_CORE, "_reconstruct") || !isPyTuple(v.state)) return undefined;
  const [, shape, dtype, , raw] = v.state.items;
  if (Array.isArray(raw)) return raw.map((x) => (isPyObject(x) ? numpyScalar(x) : (x as NumpyScalar)));
  return decode(bytesOf(raw), dtypeOf(dtype), shape);
}

/** A numpy scalar (`numpy.core.multiarray.scalar(dtype, bytes)`), e.g. a key of `_class_map`. */
export function numpyScalar(v: PyObject): NumpyScalar {
  if (!isPyGlobal(v.callable, NUMPY_CORE, "scalar")) return null;
  const values = decode(bytesOf(v.args[1]), dtypeOf(v.args[0]), { kind: "tuple", items: [1] });
  return values?.[0] ?? null;
}

function decode(bytes: Uint8Array | undefined, dtype: Dtype | undefined, shape: unknown): NumpyScalar[] | undefined {
  if (!bytes || !dtype || !isPyTuple(shape) || shape.items.length !== 1) return undefined;
  const n = shape.items[0];
  if (typeof n !== "number" || n * dtype.size !== bytes.length) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = dtype.littleEndian;
  const out: NumpyScalar[] = [];
  for (let i = 0; i < n; i++) {
    const at = i * dtype.size;
    const value = element(view, bytes, at, dtype, le);
    if (value === undefined) return undefined;
    out.push(value);
  }
  return out;
}

function element(view: DataView, bytes: Uint8Array, at: number, d: Dtype, le: boolean): NumpyScalar | undefined {
  const key = `${d.kind}${d.size}`;
  switch (key) {
    case "b1":
      return bytes[at] !== 0;
    case "i1":
      return view.getInt8(at);
    case "u1":
      return view.getUint8(at);
    case "i2":
      return view.getInt16(at, le);
    case "u2":
      return view.getUint16(at, le);
    case "i4":
      return view.getInt32(at, le);
    case "u4":
      return view.getUint32(at, le);
    case "i8":
      return safe(view.getBigInt64(at, le));
    case "u8":
      return safe(view.getBigUint64(at, le));
    case "f4":
      return view.getFloat32(at, le);
    case "f8":
      return view.getFloat64(at, le);
    default:
      return d.kind === "U" ? utf32(view, at, d.size, le) : undefined;
  }
}

function safe(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** numpy's fixed-width unicode: UTF-32 code points, NUL-padded. */
function utf32(view: DataView, at: number, size: number, le: boolean): string {
  let s = "";
  for (let i = 0; i < size; i += 4) {
    const cp = view.getUint32(at + i, le);
    if (cp === 0) break;
    s += cp <= 0x10ffff ? String.fromCodePoint(cp) : "\ufffd";
  }
  return s;
}
