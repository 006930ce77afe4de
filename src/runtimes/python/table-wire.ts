/** A Table's model inputs as wire columns for the Python worker, checked against the inputs' types. */
import { invalidParam } from "../../core/errors.js";
import type { Column, Table } from "../../data/table.js";
import { valueAt } from "../../data/table.js";
import type { SignatureInput } from "../../learn/package/model-package.js";
import type { WireBatch, WireColumn } from "./frames.js";

/** The inputs, in order, as wire columns; a missing required column or a wrong type is refused by name. */
export function toWireBatch(table: Table, inputs: readonly SignatureInput[]): WireBatch {
  const rows = table.numRows;
  const columns = inputs.map((input): WireColumn => {
    const column = table.column(input.name);
    if (!column) {
      if (!input.optional) throw invalidParam(`Input column '${input.name}' is missing.`);
      return input.type === "string"
        ? { name: input.name, type: "s", codes: new Int32Array(rows).fill(-1), dictionary: [] }
        : { name: input.name, type: wireType(input), values: new Float64Array(rows).fill(Number.NaN) };
    }
    return input.type === "string" ? stringColumn(input.name, column) : numberColumn(input, column);
  });
  return { rows, columns };
}

function wireType(input: SignatureInput): "f" | "b" | "t" {
  return input.type === "bool" ? "b" : input.type === "timestamp" ? "t" : "f";
}

function numberColumn(input: SignatureInput, column: Column): WireColumn {
  if (column.type === "string") {
    throw invalidParam(`Input column '${input.name}' must hold ${input.type} values, got strings.`);
  }
  let values: Float64Array;
  if (column.type === "bool") values = Float64Array.from(column.values);
  else if (column.nulls) values = Float64Array.from(column.values);
  else values = column.values;
  if (column.nulls) {
    for (let i = 0; i < values.length; i++) if (column.nulls[i] === 1) values[i] = Number.NaN;
  }
  return { name: input.name, type: wireType(input), values };
}

function stringColumn(name: string, column: Column): WireColumn {
  if (column.type === "string") {
    return { name, type: "s", codes: column.codes, dictionary: column.dictionary };
  }
  // Numbers or booleans where the model logged strings: sent as their text, as a JSON client would.
  const index = new Map<string, number>();
  const codes = new Int32Array(column.length);
  for (let i = 0; i < column.length; i++) {
    const v = valueAt(column, i);
    if (v === null || (typeof v === "number" && Number.isNaN(v))) {
      codes[i] = -1;
      continue;
    }
    const text = String(v);
    let k = index.get(text);
    if (k === undefined) {
      k = index.size;
      index.set(text, k);
    }
    codes[i] = k;
  }
  return { name, type: "s", codes, dictionary: [...index.keys()] };
}
