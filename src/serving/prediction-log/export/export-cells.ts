/** The cells of an export: each column's value for a logged row, in the column's type. */
import type { LogicalType } from "../../../data/table.js";
import type { LoggedValue } from "../encoding/value-tokens.js";
import type { DecodedRow } from "../sql/log-rows.js";
import type { ExportColumn, ExportPlan } from "./export-plan.js";

/** A cell: numbers for int, float and timestamp columns (ms), booleans, strings, or null. */
export type Cell = string | number | boolean | null;

/** Turns rows into cells, column by column, for one plan. */
export class CellReader {
  /** Per schema code: for each export column, the index of its value in the row (-1: not in it). */
  private readonly layouts = new Map<number, Int32Array>();

  constructor(
    private readonly plan: ExportPlan,
    private readonly schemaNames: (code: number) => readonly string[],
  ) {}

  /** The cells of one row, in the plan's column order. */
  cells(r: DecodedRow, outcome: string | null): Cell[] {
    const layout = r.schema === undefined ? undefined : this.layout(r.schema);
    return this.plan.columns.map((c, i) => {
      if ("meta" in c.source) return metaCell(c.source.meta, r, outcome);
      const at = layout ? (layout[i] as number) : -1;
      return at < 0 ? null : asType(r.values[at] as LoggedValue, c.type);
    });
  }

  private layout(code: number): Int32Array {
    let l = this.layouts.get(code);
    if (!l) {
      const names = this.schemaNames(code);
      const index = new Map(names.map((n, i) => [n, i]));
      l = Int32Array.from(this.plan.columns, (c: ExportColumn) =>
        "input" in c.source ? (index.get(c.source.input) ?? -1) : -1,
      );
      this.layouts.set(code, l);
    }
    return l;
  }
}

function metaCell(name: string, r: DecodedRow, outcome: string | null): Cell {
  switch (name) {
    case "timestamp":
      return r.time;
    case "request_id":
      return r.requestId;
    case "row":
      return r.row;
    case "variant":
      return r.shadow ? "shadow" : r.variant;
    case "model":
      return r.modelName;
    case "version":
      return r.modelVersion;
    case "routing_key":
      return r.routingKey ?? null;
    case "score":
      return Number.isFinite(r.score) ? r.score : null;
    case "label":
      return r.label;
    default:
      return outcome;
  }
}

/** A logged value in a column's type; a value that does not fit is null. */
export function asType(v: LoggedValue, type: LogicalType): Cell {
  if (v === null) return null;
  const json = typeof v === "object";
  switch (type) {
    case "string":
      return json ? v.json : String(v);
    case "float":
      return typeof v === "number" ? v : null;
    case "int":
      return typeof v === "number" && Number.isSafeInteger(v) ? v : null;
    case "bool":
      return typeof v === "boolean" ? v : null;
    case "timestamp": {
      if (typeof v === "number") return v;
      const t = typeof v === "string" ? Date.parse(v) : Number.NaN;
      return Number.isNaN(t) ? null : t;
    }
  }
}
