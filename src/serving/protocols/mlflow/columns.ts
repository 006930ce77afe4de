/**
 * Column builders shared by the JSON and CSV scoring parsers: one typed buffer per signature
 * input, filled cell by cell, then frozen into a {@link Table}. Cell rules:
 *
 * - `null` / missing → null. Blank strings are null for non-string columns; for numeric, bool
 *   and timestamp columns the tokens `NA`, `N/A`, `NaN`, `nan`, `null`, `NULL`, `None` are null too.
 * - int / float: JSON numbers or numeric strings (`"3"`, `" -1.5e3 "`); int needs a whole number.
 * - bool: `true`/`false`, the numbers 1/0, or (case-insensitive) `true`/`t`/`yes`/`y`/`1` and
 *   `false`/`f`/`no`/`n`/`0` as strings — the CSV reader's words.
 * - string: strings as they are (unseen categories pass through); numbers and booleans via `String()`.
 * - timestamp: epoch milliseconds (number) or `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH[:]MM]`.
 *
 * Anything else is BAD_REQUEST naming the column and the 0-based row.
 */
import { MwError } from "../../../core/errors.js";
import { type Column, Table } from "../../../data/table.js";
import type { ModelSignature } from "../../../learn/package/model-package.js";
import {
  type Builder,
  badRequest,
  freeze,
  incompatible,
  setNull,
  setNumber,
  setString,
  setText,
  T_BOOL,
  T_FLOAT,
  T_INT,
  T_STRING,
  T_TIMESTAMP,
  TYPE_CODE,
} from "./cells.js";

export { badRequest, missingInputs } from "./cells.js";

/** What a signature compiles to, cached per signature object (treat signatures as immutable). */
export interface InputPlan {
  readonly names: readonly string[];
  readonly types: readonly number[];
  /** Signature position by input name. */
  readonly position: ReadonlyMap<string, number>;
  /** Input names that are also Object.prototype keys (`constructor`, …): looked up with Object.hasOwn. */
  readonly guarded: readonly boolean[];
  /** Inputs a request may leave out (they are null then). */
  readonly optional: readonly boolean[];
  /** `'a', 'b', 'c'` for messages. */
  readonly listing: string;
}

const plans = new WeakMap<ModelSignature, InputPlan>();

/** The compiled input plan of a signature (cached). */
export function inputPlan(signature: ModelSignature): InputPlan {
  let plan = plans.get(signature);
  if (plan === undefined) {
    const names = signature.inputs.map((i) => i.name);
    plan = {
      names,
      types: signature.inputs.map((i) => {
        const code = TYPE_CODE[i.type];
        if (code === undefined)
          throw new MwError("INTERNAL_ERROR", `Signature input '${i.name}' has unknown type '${i.type}'.`);
        return code;
      }),
      position: new Map(names.map((n, i) => [n, i])),
      guarded: names.map((n) => n in Object.prototype),
      optional: signature.inputs.map((i) => i.optional === true),
      listing: names.map((n) => `'${n}'`).join(", "),
    };
    plans.set(signature, plan);
  }
  return plan;
}

/** A record's value for input `i` (undefined when absent), safe for names like `constructor`. */
export function field(plan: InputPlan, record: Record<string, unknown>, i: number): unknown {
  const name = plan.names[i] as string;
  if (plan.guarded[i] && !Object.hasOwn(record, name)) return undefined;
  return record[name];
}

/** Throw unless `n` is a usable row count. */
export function checkRowCount(n: number, maxRows: number | undefined): void {
  if (n === 0) throw badRequest("The request has no rows; send at least one.");
  if (maxRows !== undefined && n > maxRows) {
    throw badRequest(`The request has ${n} rows; send at most ${maxRows} rows per request.`);
  }
}

/** The column buffers for `n` rows of every signature input. */
export class TableBuilder {
  private readonly cols: Builder[];

  constructor(
    private readonly plan: InputPlan,
    private readonly n: number,
  ) {
    const cols: Builder[] = new Array(plan.names.length);
    for (let i = 0; i < cols.length; i++) {
      const type = plan.types[i] as number;
      cols[i] = {
        name: plan.names[i] as string,
        type,
        f64: type === T_INT || type === T_FLOAT || type === T_TIMESTAMP ? new Float64Array(n) : undefined,
        u8: type === T_BOOL ? new Uint8Array(n) : undefined,
        codes: type === T_STRING ? new Int32Array(n) : undefined,
        dict: undefined,
        dictionary: undefined,
        nulls: undefined,
      };
    }
    this.cols = cols;
  }

  /** Set input `i` at `row` from a JSON value (undefined = missing). */
  setValue(i: number, row: number, v: unknown): void {
    const b = this.cols[i] as Builder;
    if (v === null || v === undefined) {
      setNull(b, row, this.n);
      return;
    }
    switch (typeof v) {
      case "number": {
        setNumber(b, row, v, this.n);
        return;
      }
      case "string": {
        setText(b, row, v, this.n, false);
        return;
      }
      case "boolean":
        if (b.type === T_BOOL) {
          (b.u8 as Uint8Array)[row] = v ? 1 : 0;
          return;
        }
        if (b.type === T_STRING) {
          setString(b, row, v ? "true" : "false");
          return;
        }
        throw incompatible(b, row, v);
      default:
        throw incompatible(b, row, v);
    }
  }

  /** Set input `i` at `row` from CSV text: blank (or an absent optional column) is null for every type. */
  setCsv(i: number, row: number, s: string | undefined): void {
    if (s === undefined) setNull(this.cols[i] as Builder, row, this.n);
    else setText(this.cols[i] as Builder, row, s, this.n, true);
  }

  /** Freeze into a Table with exactly the signature's columns, in signature order. */
  finish(): Table {
    const out: Column[] = new Array(this.cols.length);
    for (let i = 0; i < this.cols.length; i++)
      out[i] = freeze(this.cols[i] as Builder, this.n, this.plan.types[i] as number);
    return new Table(out);
  }
}

/** Append to a lazily created list. */
export function pushTo(list: string[] | undefined, item: string): string[] {
  if (list === undefined) return [item];
  list.push(item);
  return list;
}
