/**
 * Buckets as stored bytes: a length-prefixed JSON header (counts, sums, category maps) followed by
 * the sampled values as little-endian float64 (and uint16 outcome indexes). Numbers survive
 * exactly: JSON prints doubles with enough digits to read back the same value.
 */
import type { FeatureStats } from "./feature-stats.js";
import type { LabelBucket, OutcomeStats } from "./label-bucket.js";
import type { PredictionBucket } from "./prediction-bucket.js";

const VERSION = 1;

type FeatureJson =
  | { n: string; k: "c"; t: "string" | "bool"; r: number; z: number; c: [string, number][]; o: number }
  | {
      n: string;
      k: "n";
      t: "int" | "float";
      r: number;
      z: number;
      nf: number;
      lo: number | null;
      hi: number | null;
      e: number[] | null;
      b: number[] | null;
      bl: number;
      ab: number;
    };

interface PredictionHeader {
  v: number;
  rows: number;
  bad: number;
  seen: number;
  cap: number;
  size: number;
  names: string[];
  f: FeatureJson[];
}

interface LabelHeader {
  v: number;
  l: number;
  names: string[];
  o: [number, number, number, number[], number[]][];
  size: number;
}

/** A prediction bucket as bytes. */
export function encodePredictionBucket(b: PredictionBucket): Buffer {
  const s = b.sample;
  const header: PredictionHeader = {
    v: VERSION,
    rows: b.rows,
    bad: b.badCells,
    seen: s.seen,
    cap: s.capacity,
    size: s.size,
    names: s.names,
    f: [...b.features].map(([name, f]) => featureJson(name, f)),
  };
  const values = new Float64Array(s.names.length * s.size);
  s.columns.forEach((c, k) => {
    values.set(c.subarray(0, s.size), k * s.size);
  });
  return framed(header, [values]);
}

/** Bytes back into a prediction bucket. */
export function decodePredictionBucket(bytes: Uint8Array): PredictionBucket {
  const { header, at } = unframe<PredictionHeader>(bytes);
  const values = float64At(bytes, at, header.names.length * header.size);
  const columns = header.names.map((_, k) => {
    const c = new Float64Array(header.cap);
    c.set(values.subarray(k * header.size, (k + 1) * header.size));
    return c;
  });
  return {
    rows: header.rows,
    badCells: header.bad,
    features: new Map(header.f.map((f) => [f.n, statsOf(f)])),
    sample: { seen: header.seen, capacity: header.cap, names: header.names, columns, size: header.size },
  };
}

/** A label bucket as bytes. */
export function encodeLabelBucket(b: LabelBucket): Buffer {
  const outcomes = b.names.map((name) => {
    const o = b.outcomes.get(name) as OutcomeStats;
    return [o.count, o.lossIfPositive, o.lossIfNegative, o.binCounts, o.binSums] as LabelHeader["o"][number];
  });
  const header: LabelHeader = { v: VERSION, l: b.labelled, names: b.names, o: outcomes, size: b.scores.length };
  return framed(header, [b.scores, b.outcomeIndex]);
}

/** Bytes back into a label bucket. */
export function decodeLabelBucket(bytes: Uint8Array): LabelBucket {
  const { header, at } = unframe<LabelHeader>(bytes);
  const scores = float64At(bytes, at, header.size);
  const start = at + header.size * 8;
  const outcomeIndex = new Uint16Array(header.size);
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let j = 0; j < header.size; j++) outcomeIndex[j] = view.readUInt16LE(start + j * 2);
  const outcomes = new Map<string, OutcomeStats>();
  header.names.forEach((name, i) => {
    const [count, lossIfPositive, lossIfNegative, binCounts, binSums] = header.o[i] as LabelHeader["o"][number];
    outcomes.set(name, { count, lossIfPositive, lossIfNegative, binCounts, binSums });
  });
  return { labelled: header.l, outcomes, scores, outcomeIndex, names: header.names };
}

function featureJson(name: string, f: FeatureStats): FeatureJson {
  if (f.kind === "categorical") {
    return { n: name, k: "c", t: f.type, r: f.rows, z: f.nulls, c: [...f.counts], o: f.other };
  }
  return {
    n: name,
    k: "n",
    t: f.type,
    r: f.rows,
    z: f.nulls,
    nf: f.nonFinite,
    lo: Number.isFinite(f.min) ? f.min : null,
    hi: Number.isFinite(f.max) ? f.max : null,
    e: f.edges,
    b: f.bins,
    bl: f.below,
    ab: f.above,
  };
}

function statsOf(f: FeatureJson): FeatureStats {
  if (f.k === "c") return { kind: "categorical", type: f.t, rows: f.r, nulls: f.z, counts: new Map(f.c), other: f.o };
  return {
    kind: "numerical",
    type: f.t,
    rows: f.r,
    nulls: f.z,
    nonFinite: f.nf,
    min: f.lo ?? Number.POSITIVE_INFINITY,
    max: f.hi ?? Number.NEGATIVE_INFINITY,
    edges: f.e,
    bins: f.b,
    below: f.bl,
    above: f.ab,
  };
}

/** [u32 header length][header JSON][arrays' bytes]. */
function framed(header: unknown, arrays: ArrayBufferView[]): Buffer {
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const parts = [Buffer.alloc(4), json, ...arrays.map((a) => toLittleEndian(a))];
  parts[0]?.writeUInt32LE(json.length, 0);
  return Buffer.concat(parts);
}

function unframe<T>(bytes: Uint8Array): { header: T; at: number } {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.readUInt32LE(0);
  const header = JSON.parse(view.toString("utf8", 4, 4 + n)) as T & { v: number };
  if (header.v !== VERSION) throw new Error(`unknown window bucket format ${header.v}`);
  return { header, at: 4 + n };
}

/** An array's bytes in little-endian order (typed arrays use the platform's order). */
function toLittleEndian(a: ArrayBufferView): Buffer {
  const bytes = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  if (LITTLE_ENDIAN) return bytes;
  const out = Buffer.from(bytes);
  if (a instanceof Float64Array) out.swap64();
  else out.swap16();
  return out;
}

/** `n` float64 values from `at` (copied: `at` need not be 8-byte aligned). */
function float64At(bytes: Uint8Array, at: number, n: number): Float64Array {
  if (LITTLE_ENDIAN) {
    const copy = new Uint8Array(n * 8);
    copy.set(bytes.subarray(at, at + n * 8));
    return new Float64Array(copy.buffer);
  }
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) out[j] = view.readDoubleLE(at + j * 8);
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
