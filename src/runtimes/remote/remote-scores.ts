/** A remote endpoint's numbers (rows × width) as the scores of a model kind, and the errors for bad answers. */
import { MwError } from "../../core/errors.js";
import type { ModelKind } from "../runtime.js";

/** What the answer must hold. */
export interface ScoreShape {
  kind: ModelKind;
  /** Multiclass: the classes, one probability column each. */
  classes?: readonly string[];
}

/** An answer the platform cannot use: 502, naming the endpoint and the problem. */
export function badAnswer(endpoint: string, problem: string): MwError {
  return new MwError("BAD_GATEWAY", `The remote model at ${endpoint} answered ${problem}.`);
}

/** A JSON element as a score: numbers, numeric text, null (missing, NaN); anything else is refused. */
export function scoreValue(v: unknown, endpoint: string): number {
  if (typeof v === "number") return v;
  if (v === null) return Number.NaN;
  if (typeof v === "string") {
    const n = v.trim() === "" ? Number.NaN : Number(v);
    if (!Number.isNaN(n)) return n;
    throw badAnswer(
      endpoint,
      `text (${JSON.stringify(v.slice(0, 40))}) where scores were expected; name the output that holds probabilities or values`,
    );
  }
  throw badAnswer(endpoint, `${typeof v} values where scores were expected`);
}

/**
 * `values` holds `rows` rows of `width` numbers, row-major. Binary: one column is P(positive), two
 * columns are [P(negative), P(positive)]; regression: one column; multiclass: one column per class.
 */
export function scoresFrom(
  values: Float64Array,
  rows: number,
  width: number,
  shape: ScoreShape,
  endpoint: string,
): Float64Array {
  if (values.length !== rows * width) throw badAnswer(endpoint, `${values.length} numbers for ${rows} rows`);
  if (shape.kind === "multiclass") {
    const k = shape.classes?.length ?? 0;
    if (width !== k) throw badAnswer(endpoint, `${width} scores per row for a model of ${k} classes`);
    return values;
  }
  if (width === 1) return values;
  if (shape.kind === "binary" && width === 2) {
    const out = new Float64Array(rows);
    for (let i = 0; i < rows; i++) out[i] = values[i * 2 + 1] as number;
    return out;
  }
  const expected = shape.kind === "binary" ? "1 (P(positive)) or 2 ([P(negative), P(positive)])" : "1";
  throw badAnswer(endpoint, `${width} scores per row, expected ${expected}`);
}
