/**
 * Scoring one request's rows on a deployment snapshot: decide which variant answers each row
 * (sticky by the routing key, else one random draw per request), then score each variant's rows.
 */
import { MwError } from "../../core/errors.js";
import type { Table } from "../../data/table.js";
import { valueAt } from "../../data/table.js";
import type { PartScores } from "../../runtimes/part-scores.js";
import { partScores } from "../../runtimes/part-scores.js";
import { routesToCandidate } from "../routing/traffic-split.js";
import type { ServedVariant, ServingSnapshot } from "../runtime/serving-snapshot.js";

/** One variant's share of a request: which rows (all when undefined) and their scores. */
export interface ScoredPart extends PartScores {
  variant: ServedVariant;
  rows?: Int32Array;
}

/** The routing keys a request carries: one per row (column key) or one for the request (header key). */
export interface RequestKeys {
  perRow?: (string | undefined)[];
  request?: string;
}

/** A predict failure, tagged with the variant whose model failed (for per-variant error metrics). */
export class VariantError extends MwError {
  constructor(
    readonly variant: ServedVariant,
    cause: unknown,
  ) {
    super(
      "INTERNAL_ERROR",
      `Model ${variant.model.name} version ${variant.model.version} failed: ${(cause as Error)?.message ?? cause}`,
    );
  }
}

/** The routing keys of a request, from the column (per row) or the header value. */
export function requestKeys(snap: ServingSnapshot, table: Table, header: string | undefined): RequestKeys {
  const rk = snap.routingKey;
  if (!rk) return {};
  if (rk.source === "header") return headerKeys(header);
  const col = table.column(rk.name);
  if (!col) return {};
  const keys: (string | undefined)[] = new Array(table.numRows);
  for (let i = 0; i < table.numRows; i++) {
    const v = valueAt(col, i);
    keys[i] = v === null ? undefined : String(v);
  }
  return { perRow: keys };
}

/** The keys of a request routed by a header value (none when absent or empty). */
export function headerKeys(header: string | undefined): RequestKeys {
  return header === undefined || header === "" ? {} : { request: header };
}

/** Which variant answers each part of the request. */
export function assignRows(
  snap: ServingSnapshot,
  n: number,
  keys: RequestKeys,
  random: () => number,
): { variant: ServedVariant; rows?: Int32Array }[] {
  const cand = snap.candidate;
  if (!cand || snap.weight <= 0) return [{ variant: snap.primary }];
  if (!keys.perRow) {
    return [{ variant: routesToCandidate(snap.weight, keys.request, random) ? cand : snap.primary }];
  }
  // Rows without a key share one draw, so an unkeyed request still goes to one variant.
  const unkeyed = routesToCandidate(snap.weight, undefined, random);
  const toCandidate = new Uint8Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const k = keys.perRow[i];
    const c = k === undefined ? unkeyed : routesToCandidate(snap.weight, k, random);
    if (c) {
      toCandidate[i] = 1;
      count++;
    }
  }
  if (count === 0) return [{ variant: snap.primary }];
  if (count === n) return [{ variant: cand }];
  const a = new Int32Array(n - count);
  const b = new Int32Array(count);
  for (let i = 0, ia = 0, ib = 0; i < n; i++) {
    if (toCandidate[i] === 1) b[ib++] = i;
    else a[ia++] = i;
  }
  return [
    { variant: snap.primary, rows: a },
    { variant: cand, rows: b },
  ];
}

type Assigned = { variant: ServedVariant; rows?: Int32Array };

/**
 * Score each assigned part; a model's failure becomes a {@link VariantError}. Synchronous when every
 * model scores in process (the fast path), a promise when one answers later (workers, remote).
 */
export function scoreParts(table: Table, assigned: Assigned[]): ScoredPart[] | Promise<ScoredPart[]> {
  if (assigned.every((a) => a.variant.model.predictor.predictSync)) return assigned.map((a) => scoreSync(table, a));
  return Promise.all(assigned.map((a) => scoreAsync(table, a)));
}

function scoreSync(table: Table, { variant, rows }: Assigned): ScoredPart {
  const part = rows ? table.take(rows) : table;
  const model = variant.model.predictor;
  try {
    const scored = partScores(model, (model.predictSync as NonNullable<typeof model.predictSync>)(part), part.numRows);
    return rows ? { variant, rows, ...scored } : { variant, ...scored };
  } catch (e) {
    throw new VariantError(variant, e);
  }
}

async function scoreAsync(table: Table, { variant, rows }: Assigned): Promise<ScoredPart> {
  const part = rows ? table.take(rows) : table;
  const model = variant.model.predictor;
  try {
    const scored = partScores(model, await model.predict(part), part.numRows);
    return rows ? { variant, rows, ...scored } : { variant, ...scored };
  } catch (e) {
    // A runtime that is temporarily unavailable (a restarting worker, a remote down) keeps its 503.
    if (e instanceof MwError && e.code === "TEMPORARILY_UNAVAILABLE") throw e;
    throw new VariantError(variant, e);
  }
}

/** Put per-part outputs back in request row order. */
export function mergeRows<T>(parts: readonly { rows?: Int32Array; values: readonly T[] }[], n: number): T[] {
  if (parts.length === 1 && !parts[0]?.rows) return parts[0]?.values as T[];
  const out: T[] = new Array(n);
  for (const p of parts) {
    const rows = p.rows as Int32Array;
    for (let i = 0; i < rows.length; i++) out[rows[i] as number] = p.values[i] as T;
  }
  return out;
}
