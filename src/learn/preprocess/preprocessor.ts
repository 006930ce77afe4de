/** A fitted preprocessor: turns a raw {@link Table} into the {@link FeatureMatrix} a model was trained on. */
import type { StringColumn, Table } from "../../data/table.js";
import type { FeatureMatrix } from "../feature-matrix.js";
import { categoryIndexByCode, categoryLookup, checkPresent, impute, numbersOf, requireColumn } from "./columns.js";
import {
  type CategoricalSpec,
  type FeatureSpec,
  type InputColumn,
  isCategorical,
  type NumericSpec,
  PREPROCESSOR_FORMAT,
  type PreprocessKind,
  type PreprocessorJSON,
} from "./spec.js";

/** Imputation, categorical encoding and (linear) standardization fitted on training data. */
export class Preprocessor {
  /** Output column names, e.g. `tenure`, `Contract=Month-to-month`. */
  readonly featureNames: readonly string[];
  /** Per output column: true when it holds ordinal category codes (tree kind only). */
  readonly categorical: readonly boolean[];

  constructor(
    readonly kind: PreprocessKind,
    readonly specs: readonly FeatureSpec[],
  ) {
    this.featureNames = specs.flatMap((s) => this.outputNames(s));
    this.categorical = specs.flatMap((s) => this.outputNames(s).map(() => kind === "tree" && isCategorical(s)));
  }

  /** Encode a table; extra columns are ignored, missing or mistyped ones are an MwError naming them. */
  transform(table: Table): FeatureMatrix {
    checkPresent(table, this.specs);
    const columns = this.specs.map((s) => requireColumn(table, s));
    const rows = table.numRows;
    const data = new Float64Array(rows * this.featureNames.length);
    let j = 0;
    this.specs.forEach((s, k) => {
      const c = columns[k];
      if (!c) return;
      const out = data.subarray(j * rows);
      if (isCategorical(s)) j += this.writeCategorical(s, c as StringColumn, out, rows);
      else j += this.writeNumeric(s, numbersOf(c as Exclude<typeof c, StringColumn>), out);
    });
    const categorical = this.kind === "tree" ? { categorical: this.categorical } : {};
    return { rows, cols: this.featureNames.length, data, names: this.featureNames, ...categorical };
  }

  /** Column names, logical types and categories the model expects (for the model package). */
  inputSignature(): InputColumn[] {
    return this.specs.map((s) =>
      isCategorical(s) ? { name: s.name, type: s.type, categories: [...s.categories] } : { name: s.name, type: s.type },
    );
  }

  /** Deterministic JSON: fixed key order, sorted categories. */
  toJSON(): PreprocessorJSON {
    return { format: PREPROCESSOR_FORMAT, version: 1, kind: this.kind, features: this.specs.map(specJSON) };
  }

  private outputNames(s: FeatureSpec): string[] {
    if (isCategorical(s) && this.kind === "linear") return s.categories.map((v) => `${s.name}=${v}`);
    return [s.name];
  }

  private writeNumeric(s: NumericSpec, x: Float64Array, out: Float64Array): number {
    if (this.kind === "tree") {
      out.set(x);
      return 1;
    }
    impute(x, s.median);
    const mean = s.mean ?? 0;
    const std = s.std ?? 1;
    for (let i = 0; i < x.length; i++) out[i] = ((x[i] as number) - mean) / std;
    return 1;
  }

  /** Linear: one-hot (unseen or missing → all zeros). Tree: ordinal index (unseen or missing → NaN). */
  private writeCategorical(s: CategoricalSpec, c: StringColumn, out: Float64Array, rows: number): number {
    // Small batches (serving) look each value up directly; large ones map the dictionary once.
    const byValue = rows < c.dictionary.length * 4 ? categoryLookup(s.categories) : undefined;
    const index = byValue ? undefined : categoryIndexByCode(c, s.categories);
    for (let i = 0; i < rows; i++) {
      const code = c.codes[i] as number;
      const k = code < 0 ? -1 : index ? (index[code] as number) : (byValue?.get(c.dictionary[code] as string) ?? -1);
      if (this.kind === "tree") out[i] = k < 0 ? Number.NaN : k;
      else if (k >= 0) out[k * rows + i] = 1;
    }
    return this.kind === "tree" ? 1 : s.categories.length;
  }
}

function specJSON(s: FeatureSpec): Record<string, unknown> {
  if (isCategorical(s)) return { name: s.name, type: s.type, categories: [...s.categories] };
  const stats = s.mean !== undefined && s.std !== undefined ? { mean: s.mean, std: s.std } : {};
  return { name: s.name, type: s.type, median: s.median, ...stats };
}
