/** A Table's inputs as the feature matrix an XGBoost model reads (model feature order, NaN = missing). */
import { invalidParam } from "../../core/errors.js";
import type { Column, Table } from "../../data/table.js";
import type { FeatureMatrix } from "../../learn/feature-matrix.js";
import type { ModelFeatures, XgboostInputs } from "./xgboost-inputs.js";

/**
 * Numbers, and booleans as 0/1, column by column; a null, or the sklearn wrapper's `missing`
 * value, becomes NaN. An optional input absent from the table is all missing.
 */
export function tableFeatures(
  table: Table,
  model: ModelFeatures,
  plan: XgboostInputs,
  missing: number | undefined,
): FeatureMatrix {
  const rows = table.numRows;
  const data = new Float64Array(rows * model.numFeatures);
  plan.inputs.forEach((input, i) => {
    const at = (plan.featureOf[i] as number) * rows;
    const column = table.column(input.name);
    if (column === undefined) {
      if (!input.optional) throw invalidParam(`Input column '${input.name}' is missing.`);
      data.fill(Number.NaN, at, at + rows);
      return;
    }
    copyColumn(column, data, at, missing);
  });
  const names = model.featureNames ?? Array.from({ length: model.numFeatures }, (_, j) => `f${j}`);
  return { rows, cols: model.numFeatures, data, names };
}

function copyColumn(c: Column, data: Float64Array, at: number, missing: number | undefined): void {
  if (c.type !== "int" && c.type !== "float" && c.type !== "bool") {
    throw invalidParam(`Input column '${c.name}' must be numeric or boolean, got ${c.type}.`);
  }
  data.set(c.values, at);
  const { nulls } = c;
  if (nulls === undefined && missing === undefined) return;
  for (let r = 0; r < c.length; r++) {
    if (nulls?.[r] || data[at + r] === missing) data[at + r] = Number.NaN;
  }
}
