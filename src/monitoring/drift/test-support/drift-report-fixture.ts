/** A hand-made drift report with every kind of row, and hostile names, for the HTML tests. */
import type { ColumnDrift, DriftReport } from "../drift-types.js";

/** A column name that would run script if the report did not escape it. */
export const HOSTILE_COLUMN = "<script>alert(1)</script>";
/** A category label that would run script if it were not escaped. */
export const HOSTILE_CATEGORY = `<img src=x onerror="alert(2)">`;

const rows = { reference_rows: 1000, current_rows: 800 };

function numeric(column: string, test: "ks" | "wasserstein", score: number, drifted: boolean): ColumnDrift {
  const pValue = test === "ks";
  return {
    column,
    type: "numerical",
    test,
    statistic: pValue ? 0.2 : score,
    p_value: pValue ? score : null,
    score,
    threshold: pValue ? 0.05 : 0.1,
    drifted,
    ...rows,
    histogram: {
      edges: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      reference: [10, 50, 100, 200, 250, 200, 100, 50, 30, 10],
      current: drifted ? [0, 5, 10, 40, 80, 160, 200, 160, 100, 45] : [8, 40, 82, 160, 200, 160, 80, 40, 22, 8],
    },
  };
}

/** The fixture: 4 tested columns (2 drifted), 1 untested, a prediction, quality findings. */
export function fixtureReport(): DriftReport {
  const columns: ColumnDrift[] = [
    numeric("MonthlyCharges", "wasserstein", 0.03, false),
    numeric(HOSTILE_COLUMN, "ks", 0.0001, true),
    {
      column: "Contract",
      type: "categorical",
      test: "jensenshannon",
      statistic: 0.4,
      p_value: null,
      score: 0.4,
      threshold: 0.1,
      drifted: true,
      ...rows,
      histogram: {
        labels: ["Month-to-month", "One year", HOSTILE_CATEGORY],
        reference: [550, 250, 200],
        current: [100, 200, 500],
      },
    },
    numeric("tenure", "ks", 0.6, false),
    {
      column: "signup_time",
      type: "unknown",
      test: null,
      statistic: null,
      p_value: null,
      score: null,
      threshold: null,
      drifted: false,
      problem: "timestamp column: drift tests cover numerical and categorical columns only",
      ...rows,
    },
  ];
  return {
    dataset_drift: true,
    share_drifted: 0.6,
    drift_share: 0.5,
    drifted_columns: 3,
    columns_checked: 5,
    columns_not_checked: 1,
    reference_rows: 1000,
    current_rows: 800,
    columns,
    prediction: { ...numeric("prediction", "wasserstein", 0.35, true) },
    quality: [
      {
        column: HOSTILE_COLUMN,
        check: "out_of_range",
        count: 12,
        share: 0.015,
        detail: "expected [0, 10], observed min 0, max 14",
      },
    ],
    reference_name: "train.csv",
    current_name: "today.csv",
  };
}
