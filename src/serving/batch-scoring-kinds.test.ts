/** Batch scoring of MLflow-logged XGBoost multiclass and regression models (test-fixtures/runtimes/xgboost). */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { readParquetBuffer } from "../data/parquet/read-parquet.js";
import { readTable } from "../data/read-table.js";
import type { Column, Table } from "../data/table.js";
import { valueAt } from "../data/table.js";
import { loadModelFolder } from "../runtimes/load-model-folder.js";
import { nativeRuntime } from "../runtimes/native/native-runtime.js";
import type { LoadedModel } from "../runtimes/runtime.js";
import type { Expected } from "../runtimes/xgboost/test-support/fixtures.js";
import { FIXTURES, inputTable, readExpected } from "../runtimes/xgboost/test-support/fixtures.js";
import { xgboostRuntime } from "../runtimes/xgboost/xgboost-runtime.js";
import { scoreToFile } from "./batch-scoring.js";

const load = (name: string) => loadModelFolder(join(FIXTURES, name), [nativeRuntime, xgboostRuntime]);
const readBack = (path: string) =>
  path.endsWith(".csv") ? readTable(path) : readParquetBuffer(readFileSync(path), { source: path });
const column = (t: Table, name: string) => t.column(name) as Column;

describe("batch scoring per model kind", () => {
  let dir: string;
  let multiclass: LoadedModel;
  let regression: LoadedModel;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "mw-batch-kinds-"));
    multiclass = await load("multiclass-softprob-xgb");
    regression = await load("regression-ubj");
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const format of ["csv", "parquet"] as const) {
    test(`multiclass ${format}: a probability column per class and the top class as label`, async () => {
      const expected: Expected = readExpected("multiclass-softprob-xgb");
      const out = join(dir, `multiclass.${format}`);
      await scoreToFile(multiclass, inputTable(multiclass, expected), out, { format, chunkRows: 50 });
      const back = await readBack(out);
      assert.deepEqual(back.columnNames, [
        ...expected.columns,
        "probability_0",
        "probability_1",
        "probability_2",
        "label",
      ]);
      expected.predictions.forEach((p, i) => {
        const probs = p as number[];
        probs.forEach((q, c) => {
          const got = valueAt(column(back, `probability_${c}`), i) as number;
          assert.ok(Math.abs(got - q) < 1e-6, `row ${i} class ${c}: ${got} vs ${q}`);
        });
        // CSV reads the label back as a number; Parquet keeps the class name's text.
        assert.equal(String(valueAt(column(back, "label"), i)), String(probs.indexOf(Math.max(...probs))));
      });
      if (format === "parquet") assert.equal(column(back, "label").type, "string");
    });
  }

  test("regression: only the predicted value", async () => {
    const expected = readExpected("regression-ubj");
    const out = join(dir, "regression.parquet");
    await scoreToFile(regression, inputTable(regression, expected), out, { format: "parquet" });
    const back = await readBack(out);
    assert.deepEqual(back.columnNames, [...expected.columns, "prediction"]);
    expected.predictions.forEach((v, i) => {
      const got = valueAt(column(back, "prediction"), i) as number;
      assert.ok(Math.abs(got - (v as number)) < 1e-6 * Math.max(1, Math.abs(v as number)), `row ${i}`);
    });
  });
});
