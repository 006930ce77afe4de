/**
 * A Table's inputs as the feature matrix a LightGBM model reads (model feature order, NaN =
 * missing): numbers as they are, booleans as 0/1, pandas category columns as their category codes.
 */
import { invalidParam } from "../../core/errors.js";
import type { Column, Table } from "../../data/table.js";
import type { FeatureMatrix } from "../../learn/feature-matrix.js";
import { type CategoryCodes, codeOfNumber } from "./lightgbm-categories.js";
import type { LightgbmInputs } from "./lightgbm-inputs.js";

/** Column by column; a null becomes NaN; an optional input absent from the table is all missing. */
export function tableFeatures(
  table: Table,
  numFeatures: number,
  plan: LightgbmInputs,
  codes: readonly (CategoryCodes | undefined)[],
): FeatureMatrix {
  const rows = table.numRows;
  const data = new Float64Array(rows * numFeatures);
  plan.inputs.forEach((input, i) => {
    const feature = plan.featureOf[i] as number;
    const at = feature * rows;
    const column = table.column(input.name);
    if (column === undefined) {
      if (!input.optional) throw invalidParam(`Input column '${input.name}' is missing.`);
      data.fill(Number.NaN, at, at + rows);
      return;
    }
    copyColumn(column, data.subarray(at, at + rows), codes[feature]);
  });
  return { rows, cols: numFeatures, data, names: plan.inputs.map((i) => i.name) };
}

function copyColumn(c: Column, out: Float64Array, codes: CategoryCodes | undefined): void {
  if (c.type === "string") {
    if (codes === undefined || !codes.strings) {
      throw invalidParam(`Input column '${c.name}' must be numeric or boolean, got string.`);
    }
    const byDictionary = c.dictionary.map((v) => codes.byString.get(v) ?? Number.NaN);
    for (let r = 0; r < c.length; r++) {
      const code = c.codes[r] as number;
      out[r] = code < 0 ? Number.NaN : (byDictionary[code] as number);
    }
    return;
  }
  if (c.type === "timestamp") throw invalidParam(`Input column '${c.name}' must be numeric or boolean, got timestamp.`);
  out.set(c.values);
  const { nulls } = c;
  if (nulls) for (let r = 0; r < c.length; r++) if (nulls[r]) out[r] = Number.NaN;
  if (codes) for (let r = 0; r < c.length; r++) out[r] = codeOfNumber(codes, out[r] as number);
}
