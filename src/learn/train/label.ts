/** The training target: a binary label (0/1) from a string, bool or 0/1 column, or a numeric target. */
import { invalidParam } from "../../core/errors.js";
import type { Column, Table } from "../../data/table.js";
import { isNull } from "../../data/table.js";

const POSITIVE_NAMES = ["Yes", "yes", "YES", "true", "True", "TRUE", "1", "positive", "churn"];

/** A binary label and which original value counts as positive. */
export interface BinaryLabel {
  y: Float64Array;
  positiveClass: string;
  negativeClass: string;
}

function labelColumn(table: Table, label: string): Column {
  const c = table.column(label);
  if (!c) throw invalidParam(`Label column '${label}' is not in the data (columns: ${table.columnNames.join(", ")}).`);
  for (let i = 0; i < c.length; i++) {
    if (isNull(c, i))
      throw invalidParam(`Label column '${label}' has a missing value in row ${i}; every row needs a label.`);
  }
  return c;
}

/**
 * Encode a classifier's label. Exactly two distinct values are required; the positive class is
 * `positive` when given, else a conventional name (Yes, true, 1, ...), else the larger value.
 */
export function binaryLabel(table: Table, label: string, positive?: string): BinaryLabel {
  const c = labelColumn(table, label);
  const values = distinctValues(c);
  if (values.length !== 2) {
    const seen = values.slice(0, 5).join(", ");
    throw invalidParam(
      values.length < 2
        ? `Label column '${label}' is constant (${seen}); a classifier needs two classes.`
        : `Label column '${label}' has ${values.length} distinct values (${seen}${values.length > 5 ? ", ..." : ""}); a binary classifier needs exactly two.`,
    );
  }
  const pos = positive ?? values.find((v) => POSITIVE_NAMES.includes(v)) ?? (values[1] as string);
  if (!values.includes(pos))
    throw invalidParam(`Positive class '${pos}' is not a value of label column '${label}' (${values.join(", ")}).`);
  const y = new Float64Array(c.length);
  for (let i = 0; i < c.length; i++) y[i] = valueText(c, i) === pos ? 1 : 0;
  return { y, positiveClass: pos, negativeClass: values.find((v) => v !== pos) as string };
}

/** A regression target: a numeric label column. */
export function numericLabel(table: Table, label: string): Float64Array {
  const c = labelColumn(table, label);
  if (c.type !== "int" && c.type !== "float") {
    throw invalidParam(`Label column '${label}' is ${c.type}; a regression target must be numeric.`);
  }
  return Float64Array.from(c.values);
}

/**
 * A multiclass target: each row's class as its index in `classes` (labels compared as text, so an
 * int column's 2 matches class "2"); a value that is not one of the classes is refused by name.
 */
export function classIndexLabel(table: Table, label: string, classes: readonly string[]): Int32Array {
  const c = labelColumn(table, label);
  const index = new Map(classes.map((name, k) => [name, k]));
  const y = new Int32Array(c.length);
  for (let i = 0; i < c.length; i++) {
    const k = index.get(valueText(c, i));
    if (k === undefined) {
      throw invalidParam(
        `Label column '${label}' has the value '${valueText(c, i)}' in row ${i}, which is not one of the model's classes (${classes.join(", ")}).`,
      );
    }
    y[i] = k;
  }
  return y;
}

function valueText(c: Column, i: number): string {
  switch (c.type) {
    case "string":
      return c.dictionary[c.codes[i] as number] as string;
    case "bool":
      return c.values[i] === 1 ? "true" : "false";
    default:
      return String(c.values[i]);
  }
}

function distinctValues(c: Column): string[] {
  const seen = new Set<string>();
  for (let i = 0; i < c.length && seen.size <= 1000; i++) seen.add(valueText(c, i));
  return [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
