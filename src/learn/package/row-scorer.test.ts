import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTable } from "../../data/read-table.js";
import type { Table } from "../../data/table.js";
import { valueAt } from "../../data/table.js";
import { tableFromColumns } from "../../data/test-support/build-table.js";
import { fitTelcoPackage } from "../test-support/telco-models.js";
import type { Predictor, RowScorer } from "./load-model.js";
import { predictorFor } from "./load-model.js";

/** Feed row `r` of `table` to a row scorer, input by input in signature order. */
function scoreRow(p: Predictor, s: RowScorer, table: Table, r: number): number {
  p.signature.inputs.forEach((input, i) => {
    const v = valueAt(table.column(input.name) as NonNullable<ReturnType<Table["column"]>>, r);
    if (input.type === "string") s.setString(i, v === null ? undefined : String(v));
    else s.setNumber(i, v === null ? Number.NaN : Number(v));
  });
  return s.score();
}

/** Every row scored one at a time equals the batch prediction bit for bit. */
function assertSameAsBatch(p: Predictor, table: Table): void {
  const batch = p.predict(table);
  const s = p.rowScorer?.();
  assert.ok(s, "the predictor has a row scorer");
  for (let r = 0; r < table.numRows; r++) {
    assert.equal(scoreRow(p, s, table, r), batch[r], `row ${r}`);
  }
}

test("GBDT and linear row scorers give the batch scores of every Telco row (nulls, unseen categories)", async () => {
  const telco = await readTable(TELCO_CSV);
  for (const algo of ["gbdt", "linear"] as const) {
    const p = predictorFor(await fitTelcoPackage(telco, 30, algo));
    // TotalCharges has blanks (nulls) in the data; add rows with unseen categories and missing values.
    const odd = tableFromColumns({
      gender: ["Robot", null, "Male"],
      SeniorCitizen: [1, null, 0],
      Partner: ["Yes", "maybe", null],
      Dependents: [null, "No", "Yes"],
      tenure: [0, 72, null],
      PhoneService: ["Yes", "No", null],
      MultipleLines: ["No phone service", null, "Yes"],
      InternetService: ["Fiber optic", "Satellite", null],
      OnlineSecurity: ["No", null, "Yes"],
      OnlineBackup: ["Yes", "No", null],
      DeviceProtection: [null, "No internet service", "Yes"],
      TechSupport: ["No", "Yes", null],
      StreamingTV: ["Yes", null, "No"],
      StreamingMovies: [null, "Yes", "No"],
      Contract: ["Month-to-month", "Decade", null],
      PaperlessBilling: ["Yes", null, "No"],
      PaymentMethod: ["Electronic check", null, "Barter"],
      MonthlyCharges: [70.7, null, 1e9],
      TotalCharges: [null, 1000.5, -5],
    });
    assertSameAsBatch(p, telco);
    assertSameAsBatch(p, odd);
  }
});

test("an imported XGBoost model's row scorer matches its batch scores; non-numeric signatures have none", () => {
  const model = JSON.parse(readFileSync("test-fixtures/xgboost/binary.model.json", "utf8"));
  const inputs = JSON.parse(readFileSync("test-fixtures/xgboost/binary.inputs.json", "utf8")) as {
    feature_names: string[];
    rows: (number | null)[][];
  };
  const columns = Object.fromEntries(inputs.feature_names.map((n, j) => [n, inputs.rows.map((r) => r[j] ?? null)]));
  const signature = {
    task: "binary" as const,
    inputs: inputs.feature_names.map((name) => ({ name, type: "float" as const })),
  };
  const p = predictorFor({ algo: "xgboost", model, signature });
  assertSameAsBatch(p, tableFromColumns(columns));

  const withBool = { ...signature, inputs: [...signature.inputs.slice(1), { name: "flag", type: "bool" as const }] };
  assert.equal(predictorFor({ algo: "xgboost", model, signature: withBool }).rowScorer, undefined);
});
