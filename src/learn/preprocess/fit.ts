/** Fitting a {@link Preprocessor} on training data, with the inputs validated first. */
import { invalidParam } from "../../core/errors.js";
import type { Column, StringColumn, Table } from "../../data/table.js";
import { impute, meanStd, medianOf, numbersOf } from "./columns.js";
import { Preprocessor } from "./preprocessor.js";
import { compareStrings, type FeatureSpec, type PreprocessKind } from "./spec.js";

/** Options of {@link fitPreprocessor}. */
export interface FitPreprocessorOptions {
  /** Input columns, in output order. */
  features: string[];
  kind: PreprocessKind;
}

/** Fit imputation, encoding and scaling on a training table; bad options are an MwError naming the field. */
export function fitPreprocessor(table: Table, options: FitPreprocessorOptions): Preprocessor {
  const columns = validate(table, options);
  return new Preprocessor(
    options.kind,
    columns.map((c) =>
      c.type === "string" ? { name: c.name, type: "string", categories: categoriesOf(c) } : fitNumeric(c, options.kind),
    ),
  );
}

function validate(table: Table, options: FitPreprocessorOptions): Column[] {
  if (options.kind !== "linear" && options.kind !== "tree")
    throw invalidParam(`kind must be 'linear' or 'tree', got '${String(options.kind)}'`);
  if (!Array.isArray(options.features) || options.features.length === 0)
    throw invalidParam("features must name at least one column");
  if (table.numRows === 0) throw invalidParam("cannot fit preprocessing on a table with no rows");
  const seen = new Set<string>();
  return options.features.map((name) => {
    if (seen.has(name)) throw invalidParam(`feature '${name}' is listed twice`);
    seen.add(name);
    const c = table.column(name);
    if (!c) throw invalidParam(`unknown feature column '${name}' (columns: ${table.columnNames.join(", ")})`);
    if (allMissing(c)) throw invalidParam(`feature column '${name}' has no non-null values in the training data`);
    return c;
  });
}

function allMissing(c: Column): boolean {
  if (c.type === "string") return c.codes.every((code) => code < 0);
  return numbersOf(c).every((v) => !Number.isFinite(v));
}

/** Sorted distinct values actually present (the dictionary may hold values of rows not taken). */
function categoriesOf(c: StringColumn): string[] {
  const used = new Uint8Array(c.dictionary.length);
  for (const code of c.codes) if (code >= 0) used[code] = 1;
  return c.dictionary.filter((_, k) => used[k] === 1).sort(compareStrings);
}

function fitNumeric(c: Exclude<Column, StringColumn>, kind: PreprocessKind): FeatureSpec {
  const x = numbersOf(c);
  const median = medianOf(x);
  if (kind === "tree") return { name: c.name, type: c.type, median };
  return { name: c.name, type: c.type, median, ...meanStd(impute(x, median)) };
}
