/** Real churn models on the Telco table, for tests that need a package or a request row. */
import type { Table } from "../../data/table.js";
import { valueAt } from "../../data/table.js";
import type { ModelPackage } from "../package/model-package.js";
import { fitModel } from "../train/fit-model.js";
import { resolveParams } from "../train/train-params.js";

/** Fit a churn model (seed 1): GBDT with `trees` trees, or logistic regression. */
export async function fitTelcoPackage(
  telco: Table,
  trees: number,
  algo: "gbdt" | "linear" = "gbdt",
): Promise<ModelPackage> {
  const params = resolveParams(algo, algo === "gbdt" ? [`n_estimators=${trees}`] : []);
  return (await fitModel(telco, { label: "Churn", algo, params, seed: 1 })).package;
}

/** Row `r` without the label: one `dataframe_records` entry of a scoring request. */
export function telcoRecord(telco: Table, r: number): Record<string, unknown> {
  const rec: Record<string, unknown> = {};
  for (const c of telco.columns) if (c.name !== "Churn") rec[c.name] = valueAt(c, r);
  return rec;
}
