import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { MwError } from "../../core/errors.js";
import { tableFromColumns } from "../../data/test-support/build-table.js";
import type { PythonModel } from "./python-runtime.js";
import { loadPythonModel, pythonRuntime } from "./python-runtime.js";
import {
  DEBIAN_PYTHON,
  fixtureRows,
  loadFixture,
  readMlModel,
  SKLEARN_FIXTURES,
  sklearnSkipReason,
} from "./test-support/fixtures.js";

const skip = sklearnSkipReason();

/** Largest |a - b| over the flattened expected values. */
function maxDiff(scores: Float64Array, expected: Array<number | number[]>): number {
  const flat = expected.flat();
  assert.equal(scores.length, flat.length);
  return flat.reduce((m, e, i) => Math.max(m, Math.abs((scores[i] as number) - e)), 0);
}

test("the runtime accepts sklearn and python_function folders, not others", () => {
  const runtime = pythonRuntime();
  assert.equal(runtime.name, "python");
  assert.ok(runtime.accepts(readMlModel(join(SKLEARN_FIXTURES, "binary"))));
  assert.ok(runtime.accepts({ flavors: { python_function: { loader_module: "mlflow.xgboost" } }, raw: {} }));
  assert.ok(!runtime.accepts({ flavors: { onnx: { data: "model.onnx" } }, raw: {} }));
});

describe("scikit-learn fixtures", { skip }, () => {
  const models = new Map<string, PythonModel>();
  before(async () => {
    for (const name of ["binary", "regression", "multiclass"]) {
      models.set(name, await loadFixture(join(SKLEARN_FIXTURES, name)));
    }
  });
  after(async () => {
    for (const m of models.values()) await m.close();
  });
  const model = (name: string) => models.get(name) as PythonModel;

  test("kinds, classes and inputs come from the estimator and the MLmodel signature", () => {
    const binary = model("binary");
    assert.equal(binary.runtime, "python");
    assert.equal(binary.kind, "binary");
    assert.deepEqual(binary.classes, ["No", "Yes"]);
    assert.equal(binary.signature.positive_class, "Yes");
    assert.equal(binary.loader, "cloudpickle");
    assert.deepEqual(
      binary.signature.inputs.map((i) => `${i.name}:${i.type}`),
      ["tenure:int", "SeniorCitizen:int", "MonthlyCharges:float", "TotalCharges:float"].concat(
        ["Contract", "InternetService", "PaperlessBilling"].map((n) => `${n}:string`),
      ),
    );
    // No signature logged: the inputs are the estimator's feature_names_in_.
    assert.equal(model("regression").kind, "regression");
    assert.equal(model("regression").loader, "pickle");
    assert.deepEqual(
      model("regression").signature.inputs.map((i) => i.name),
      ["tenure", "SeniorCitizen", "TotalCharges"],
    );
    assert.equal(model("multiclass").kind, "multiclass");
    assert.deepEqual(model("multiclass").classes, ["Month-to-month", "One year", "Two year"]);
  });

  for (const name of ["binary", "regression", "multiclass"]) {
    test(`${name}: every row equals scikit-learn's own output within 1e-9, in one batch and one row at a time`, async () => {
      const { table, expected } = fixtureRows(name);
      const whole = await model(name).predict(table);
      assert.equal(whole.rows, table.numRows);
      assert.ok(maxDiff(whole.scores, expected) <= 1e-9);
      const ones = await Promise.all(
        Array.from({ length: table.numRows }, (_, i) => model(name).predict(table.slice(i, i + 1))),
      );
      const joined = new Float64Array(ones.flatMap((o) => [...o.scores]));
      assert.ok(maxDiff(joined, expected) <= 1e-9);
    });
  }

  test("64 concurrent one-row requests are micro-batched into fewer worker calls", async () => {
    const { table, expected } = fixtureRows("binary");
    const before = model("binary").stats();
    const outs = await Promise.all(
      Array.from({ length: 64 }, (_, i) => model("binary").predict(table.slice(i, i + 1))),
    );
    const stats = model("binary").stats();
    assert.equal(stats.requests - before.requests, 64);
    assert.ok(stats.calls - before.calls < 64, `${stats.calls - before.calls} calls for 64 requests`);
    outs.forEach((o, i) => {
      assert.ok(Math.abs((o.scores[0] as number) - (expected[i] as number)) <= 1e-9);
    });
  });

  test("a request the model rejects fails alone (400); the requests batched with it succeed", async () => {
    const { table, expected } = fixtureRows("regression");
    // GradientBoostingRegressor refuses missing values.
    const bad = tableFromColumns({ tenure: [1], SeniorCitizen: [0], TotalCharges: [null] }, { TotalCharges: "float" });
    const calls = Array.from({ length: 12 }, (_, i) => (i === 6 ? bad : table.slice(i, i + 1)));
    const results = await Promise.allSettled(calls.map((t) => model("regression").predict(t)));
    results.forEach((r, i) => {
      if (i === 6) {
        assert.ok(r.status === "rejected" && r.reason instanceof MwError);
        assert.equal(r.reason.status, 400);
        assert.match(r.reason.message, /NaN/);
      } else {
        assert.ok(r.status === "fulfilled");
        assert.ok(Math.abs((r.value.scores[0] as number) - (expected[i] as number)) <= 1e-9);
      }
    });
  });

  test("input columns are checked by name and type before reaching Python", async () => {
    const { table } = fixtureRows("multiclass");
    await assert.rejects(
      model("multiclass").predict(table.select(["tenure", "MonthlyCharges"])),
      /'SeniorCitizen' is missing/,
    );
    const strings = tableFromColumns({ tenure: ["a"], MonthlyCharges: [1], SeniorCitizen: [0] });
    await assert.rejects(model("multiclass").predict(strings), /'tenure' must hold int values, got strings/);
    assert.equal((await model("multiclass").predict(table.slice(0, 0))).rows, 0);
  });

  test("a batch bigger than maxBatchRows is split across workers and put back in order", async () => {
    const { table, expected } = fixtureRows("binary");
    const small = await loadFixture(join(SKLEARN_FIXTURES, "binary"), { maxBatchRows: 16 });
    try {
      const out = await small.predict(table);
      assert.ok(maxDiff(out.scores, expected) <= 1e-9);
      assert.ok(small.stats().calls >= Math.ceil(table.numRows / 16));
    } finally {
      await small.close();
    }
  });
});

describe("with MLflow importable (a stand-in on PYTHONPATH)", { skip }, () => {
  const env = { PYTHONPATH: join(SKLEARN_FIXTURES, "fake-mlflow") };

  test("the sklearn flavor loads through mlflow.sklearn and still scores with predict_proba", async () => {
    const { table, expected } = fixtureRows("binary");
    const model = await loadFixture(join(SKLEARN_FIXTURES, "binary"), { env, workers: 1 });
    try {
      assert.equal(model.loader, "mlflow.sklearn");
      assert.ok(maxDiff((await model.predict(table)).scores, expected) <= 1e-9);
    } finally {
      await model.close();
    }
  });

  test("a python_function-only model loads through mlflow.pyfunc, and is refused without MLflow", async () => {
    const dir = join(SKLEARN_FIXTURES, "sleepy");
    const mlmodel = readMlModel(dir);
    const pyfuncOnly = { ...mlmodel, flavors: { python_function: { loader_module: "custom_module" } } };
    const model = await loadPythonModel(dir, pyfuncOnly, {}, { python: DEBIAN_PYTHON, env, workers: 1 });
    try {
      assert.equal(model.loader, "mlflow.pyfunc");
      assert.equal(model.kind, "regression");
      const out = await model.predict(tableFromColumns({ x: [1.5, 2], sleep: [0, 0.25] }));
      assert.deepEqual([...out.scores], [1.5, 2.25]);
    } finally {
      await model.close();
    }
    await assert.rejects(
      loadPythonModel(dir, pyfuncOnly, {}, { python: DEBIAN_PYTHON, workers: 1 }),
      /only the python_function flavor \(loader_module custom_module\); loading it needs MLflow/,
    );
  });
});
