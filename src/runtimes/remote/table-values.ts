/** A Table's model inputs as JSON-ready values, for the remote protocols' encoders. */
import { invalidParam } from "../../core/errors.js";
import type { Column, Table } from "../../data/table.js";
import { isNull } from "../../data/table.js";
import type { SignatureInput } from "../../learn/package/model-package.js";

/** How a value goes on the wire: a number, a boolean, or text. */
export type WireKind = "num" | "bool" | "text";

/** One JSON value. */
export type JsonScalar = number | string | boolean | null;

/**
 * Row `i` of the input as `kind`: numbers (bools 1/0, timestamps epoch ms, numeric text parsed),
 * booleans, or text (timestamps ISO-8601); missing values (and NaN, which JSON cannot hold) are null.
 */
export function cellAs(column: Column | undefined, i: number, kind: WireKind): JsonScalar {
  if (!column || isNull(column, i)) return null;
  switch (column.type) {
    case "string": {
      const s = column.dictionary[column.codes[i] as number] as string;
      if (kind === "text") return s;
      if (kind === "bool") return s === "true" || s === "1" ? true : s === "false" || s === "0" ? false : null;
      const n = s.trim() === "" ? Number.NaN : Number(s);
      return Number.isFinite(n) ? n : null;
    }
    case "bool": {
      const b = column.values[i] === 1;
      return kind === "bool" ? b : kind === "num" ? (b ? 1 : 0) : String(b);
    }
    case "timestamp": {
      const t = column.values[i] as number;
      if (!Number.isFinite(t)) return null;
      return kind === "text" ? new Date(t).toISOString() : kind === "bool" ? t !== 0 : t;
    }
    default: {
      const v = column.values[i] as number;
      if (!Number.isFinite(v)) return null;
      return kind === "num" ? v : kind === "bool" ? v !== 0 : String(v);
    }
  }
}

/** The wire kind of a signature input when the endpoint does not say. */
export function defaultKind(input: SignatureInput): WireKind {
  return input.type === "bool" ? "bool" : input.type === "string" || input.type === "timestamp" ? "text" : "num";
}

/** The table's column for each input, in order (undefined for an absent optional one); a missing required one is refused. */
export function inputColumns(table: Table, inputs: readonly SignatureInput[]): (Column | undefined)[] {
  return inputs.map((input) => {
    const column = table.column(input.name);
    if (!column && !input.optional) throw invalidParam(`Input column '${input.name}' is missing.`);
    return column;
  });
}
