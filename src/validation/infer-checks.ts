/**
 * The inference rules for each check, sized so clean later batches of the same source pass while
 * broken batches (a column nulled, moved by a large offset, renamed categories, text in numbers)
 * still fail. Each tolerance allows for the sampling noise of a batch of `minBatch` rows.
 */
import type { ColumnProfile } from "../data/profile.js";
import type { Column, LogicalType } from "../data/table.js";
import type { DomainCheck, PresenceCheck, RangeCheck } from "./schema.js";

/** Sampling noise allowed, in standard errors (one-sided false alarm ~0.1% per check). */
const Z = 3;
/** Integer columns with at most this many distinct values are codes or small counts. */
export const DISCRETE_MAX = 20;
/** Below this many values an integer column may still hold decimals later (an int type needs evidence). */
export const INT_EVIDENCE_ROWS = 1000;
/** Inferred ranges let this share of values fall outside (a real outlier is not a broken batch). */
export const RANGE_MOSTLY = 0.99;
/** Inferred id columns tolerate this share of rows sharing a value (a repeated name is not a double load). */
export const UNIQUE_MOSTLY = 0.99;
/** Range padding never exceeds this share of the span (unless `rangeMargin` asks for more). */
const MAX_PAD = 0.9;
/** String columns whose singletons exceed this share of values are open-ended text: no domain. */
const OPEN_DOMAIN_SHARE = 0.1;

/** The knobs the rules read. */
export interface RuleOptions {
  rangeMargin: number;
  maxDomainSize: number;
  presenceMargin: number;
  minBatch: number;
}

/**
 * The missing rate may double (rising at least by `presenceMargin`) plus sampling noise; a column
 * that can then be wholly missing gets no check. A filled column (no nulls) keeps a tight bound.
 */
export function inferPresence(c: ColumnProfile, o: RuleOptions): PresenceCheck | undefined {
  const n = c.count + c.nulls;
  if (n === 0) return undefined;
  const q = c.nulls / n;
  const maxMissing = q + Math.max(q, o.presenceMargin) + Z * Math.sqrt((q * (1 - q)) / o.minBatch);
  const min = floorTo(1 - maxMissing);
  return min > 0 ? { min_fraction: min } : undefined;
}

/**
 * The observed range widened on each side by the larger of: `rangeMargin` of the span (at least
 * 6/√n for small samples, whose extremes are far from the population's), and twice the distance
 * from the extreme to the 5th/95th percentile (the tail's own scale, so heavy tails get room);
 * never more than 0.9 of the span, so a column moved by twice its span or magnitude still fails.
 * Integer columns (of schema type `type`) keep the integers inside; non-negative columns stay non-negative.
 */
export function inferRange(c: ColumnProfile, type: LogicalType, o: RuleOptions): RangeCheck | undefined {
  const s = c.numeric;
  if (!s || s.min === null || s.max === null || !Number.isFinite(s.min) || !Number.isFinite(s.max)) return undefined;
  const span = s.max - s.min;
  const margin = Math.max(o.rangeMargin, 6 / Math.sqrt(Math.max(c.count, 1)));
  let padLo = margin * (span > 0 ? span : Math.abs(s.min));
  let padHi = padLo;
  const q = s.quantiles;
  if (q && span > 0) {
    const cap = Math.max(MAX_PAD * span, o.rangeMargin * span);
    padLo = Math.min(cap, Math.max(padLo, 2 * (q.p5 - s.min)));
    padHi = Math.min(cap, Math.max(padHi, 2 * (s.max - q.p95)));
  }
  let min = s.min - padLo;
  let max = s.max + padHi;
  if (s.min >= 0 && min < 0) min = 0;
  if (type === "int") {
    min = Math.ceil(min);
    max = Math.floor(max);
  } else {
    min = Math.min(round(min, 6), s.min);
    max = Math.max(round(max, 6), s.max);
  }
  return { min, max, mostly: RANGE_MOSTLY };
}

/**
 * A domain for a closed set of strings: at most `maxDomainSize` values and few seen only once.
 * Unseen values may make up about what the training data suggests new values do (the
 * Good–Turing estimate: the share of values seen once, at least 1/n), doubled, plus sampling noise.
 */
export function inferDomain(c: ColumnProfile, o: RuleOptions): DomainCheck | undefined {
  const counts = c.categorical?.counts;
  if (!counts || c.distinct === 0 || c.distinct > o.maxDomainSize) return undefined;
  const values = Object.keys(counts).sort();
  const singles = values.filter((v) => counts[v] === 1).length;
  const unseen = Math.max(singles, 1) / c.count;
  if (singles / c.count > OPEN_DOMAIN_SHARE) return undefined;
  // The noise of the share among the present values of a small batch (fewer when nulls are common).
  const present = Math.max(1, o.minBatch * (c.count / (c.count + c.nulls)));
  const tolerance = 2 * unseen + Z * Math.sqrt(unseen / present);
  return { values, mostly: floorTo(Math.max(0, 1 - tolerance)) };
}

/** Fewer rows than this, all distinct, may be a handful of categories rather than keys. */
export const ID_EVIDENCE_ROWS = 20;

/**
 * What a column is beyond its values: `id` (every value distinct: string or integer keys of
 * 20 rows or more, or row numbers), `sequence` (numbers that only rise, or only fall, in file
 * order, like a time index: later batches continue past the range) or `value`.
 */
export function columnRole(c: ColumnProfile, column: Column): "id" | "sequence" | "value" {
  if (c.nulls > 0 || c.count < 2) return "value";
  if (column.type === "string") return c.count >= ID_EVIDENCE_ROWS && c.distinct === c.count ? "id" : "value";
  if (column.type !== "int" && column.type !== "float") return "value";
  const monotone = monotonic(column.values);
  if (column.type === "int" && (c.count >= ID_EVIDENCE_ROWS || monotone) && c.distinct >= 0.98 * c.count) {
    if (allDistinct(column.values)) return "id";
  }
  return monotone && c.distinct > DISCRETE_MAX ? "sequence" : "value";
}

/** The schema type: an integer column stays `int` only with evidence (few values, or many rows). */
export function inferredType(c: ColumnProfile, role: "id" | "sequence" | "value"): LogicalType {
  if (c.type !== "int" || role === "id") return c.type;
  return c.distinct <= DISCRETE_MAX || c.count >= INT_EVIDENCE_ROWS ? "int" : "float";
}

function monotonic(values: Float64Array): boolean {
  let up = true;
  let down = true;
  for (let i = 1; i < values.length && (up || down); i++) {
    const d = (values[i] as number) - (values[i - 1] as number);
    if (d < 0) up = false;
    else if (d > 0) down = false;
  }
  return up || down;
}

/**
 * True when no value repeats: an open-addressing set that stops at the first repeat. It starts
 * small and doubles, so a column with repeats (found early, by the birthday bound) costs little.
 */
function allDistinct(values: Float64Array): boolean {
  let slots = new Float64Array(1 << 12).fill(Number.NaN);
  let size = 0;
  for (let i = 0; i < values.length; i++) {
    if (2 * (size + 1) > slots.length) {
      const old = slots;
      slots = new Float64Array(old.length * 2).fill(Number.NaN);
      for (const v of old) if (!Number.isNaN(v)) insert(slots, v);
    }
    if (!insert(slots, values[i] as number)) return false;
    size++;
  }
  return true;
}

/** Adds `v` to the set; false when it was already there. */
function insert(slots: Float64Array, v: number): boolean {
  const mask = slots.length - 1;
  let h = Math.imul((v | 0) ^ ((v / 4294967296) | 0), 0x9e3779b1) >>> 0;
  h = (h ^ (h >>> 16)) & mask;
  for (;;) {
    const s = slots[h] as number;
    if (Number.isNaN(s)) {
      slots[h] = v;
      return true;
    }
    if (s === v) return false;
    h = (h + 1) & mask;
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Down to 4 decimals, so a rounded threshold is never stricter than the computed one. */
function floorTo(x: number): number {
  return Math.floor(x * 1e4) / 1e4;
}
