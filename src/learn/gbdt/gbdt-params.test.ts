import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MwError } from "../../core/errors.js";
import { matrixFromColumns } from "../feature-matrix.js";
import { type GbdtParams, trainGbdt } from "./index.js";

const x = matrixFromColumns(["f"], [[1, 2, 3, 4]]);
const y = Float64Array.of(0, 1, 0, 1);

const rejects = (name: string) => (e: unknown) =>
  e instanceof MwError && e.code === "INVALID_PARAMETER_VALUE" && e.message.includes(name);

describe("GBDT parameter validation", () => {
  const cases: [GbdtParams, string][] = [
    [{ learning_rate: -0.1 }, "learning_rate"],
    [{ max_depth: 0 }, "max_depth"],
    [{ objective: "multi:softmax" as GbdtParams["objective"] }, "objective"],
    [{ n_estimators: 1.5 }, "n_estimators"],
    [{ subsample: 0 }, "subsample"],
    [{ colsample_bytree: 1.2 }, "colsample_bytree"],
    [{ max_bin: 1000 }, "max_bin"],
    [{ lambda: -1 }, "lambda"],
    [{ gamma: Number.NaN }, "gamma"],
    [{ min_child_weight: -1 }, "min_child_weight"],
    [{ max_leaves: 1 }, "max_leaves"],
    [{ early_stopping_rounds: 3 }, "early_stopping_rounds"],
    [{ base_score: 1 }, "base_score"],
    [{ eta: 0.1 } as GbdtParams, "eta"],
  ];
  for (const [params, name] of cases) {
    test(`rejects bad '${name}'`, async () => {
      await assert.rejects(trainGbdt(x, y, params), rejects(name));
    });
  }

  test("rejects non-binary labels for the classifier", async () => {
    await assert.rejects(trainGbdt(x, Float64Array.of(0, 1, 2, 1), {}), rejects("labels"));
  });

  test("rejects mismatched labels, validation columns and threads", async () => {
    await assert.rejects(trainGbdt(x, Float64Array.of(0, 1), {}), rejects("'y'"));
    const valid = { x: matrixFromColumns(["a", "b"], [[1], [2]]), y: Float64Array.of(1) };
    await assert.rejects(trainGbdt(x, y, {}, { valid }), rejects("valid.x"));
    await assert.rejects(trainGbdt(x, y, {}, { threads: 0 }), rejects("threads"));
  });
});
