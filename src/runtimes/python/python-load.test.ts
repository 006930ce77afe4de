import assert from "node:assert/strict";
import { readFile, rm, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { MwError } from "../../core/errors.js";
import { loadPythonModel } from "./python-runtime.js";
import { copyFixture, fixtureRows, loadFixture, readMlModel, sklearnSkipReason } from "./test-support/fixtures.js";

const skip = sklearnSkipReason();

/** Loading `dir` is refused with 400 and a message matching every pattern. */
async function refused(load: Promise<unknown>, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(load, (e: unknown) => {
    assert.ok(e instanceof MwError, String(e));
    assert.equal(e.code, "INVALID_PARAMETER_VALUE");
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

async function editMlModel(dir: string, from: string, to: string): Promise<void> {
  const text = await readFile(join(dir, "MLmodel"), "utf8");
  assert.ok(text.includes(from));
  await writeFile(join(dir, "MLmodel"), text.replace(from, to));
}

describe("load refusals name the file and the problem", () => {
  test("missing, empty or escaping pickle; unknown serialization format; no usable flavor", async () => {
    const dir = await copyFixture("binary");
    const pkl = join(dir, "model.pkl");
    await truncate(pkl, 0);
    await refused(loadFixture(dir), new RegExp(`'${pkl}' \\(the sklearn flavor's pickled_model\\) is empty`));
    await rm(pkl);
    await refused(loadFixture(dir), new RegExp(`'${pkl}' \\(the sklearn flavor's pickled_model\\) does not exist`));
    await editMlModel(dir, "pickled_model: model.pkl", "pickled_model: ../../etc/passwd");
    await refused(loadFixture(dir), /MLmodel': pickled_model must be a path inside the model folder/);
    await editMlModel(dir, "serialization_format: cloudpickle", "serialization_format: skops");
    await refused(loadFixture(dir), /MLmodel': sklearn serialization_format "skops" is not supported/);
    const xgb = { flavors: { xgboost: { data: "model.xgb" } }, raw: {} };
    await refused(
      loadPythonModel(dir, xgb, {}),
      /has neither a sklearn nor a python_function flavor \(flavors: xgboost\)/,
    );
  });

  test("an interpreter that does not exist", async () => {
    const dir = await copyFixture("regression");
    await refused(
      loadPythonModel(dir, readMlModel(dir), {}, { python: "/nonexistent/python3", workers: 1 }),
      /regression': the Python worker could not start \('\/nonexistent\/python3': spawn \/nonexistent\/python3 ENOENT\)/,
    );
  });

  test("truncated, unpicklable and non-estimator pickles", { skip }, async () => {
    const dir = await copyFixture("binary");
    const pkl = join(dir, "model.pkl");
    await truncate(pkl, 1000);
    await refused(
      loadFixture(dir, { workers: 1 }),
      new RegExp(`'${pkl}' cannot be unpickled with cloudpickle`),
      /truncated|Ran out of input/,
    );
    // A class from a module this interpreter does not have.
    await writeFile(pkl, "cno_such_module_mw\nThing\n)\x81.", "latin1");
    await refused(loadFixture(dir, { workers: 1 }), /cannot be unpickled/, /No module named 'no_such_module_mw'/);
    await writeFile(pkl, "(dp0\n.", "latin1");
    await refused(loadFixture(dir, { workers: 1 }), new RegExp(`'${pkl}' holds a dict, not a scikit-learn estimator`));
  });
});

describe("recorded requirements", { skip }, () => {
  test("a mismatch is warned by name and version at load, and the model still serves", async () => {
    const dir = await copyFixture("binary");
    await writeFile(
      join(dir, "requirements.txt"),
      "mlflow==2.12.2\nscikit-learn==0.24.2\nno-such-package-mw==1.0\npandas>=1.0\n",
    );
    await writeFile(join(dir, "python_env.yaml"), "python: 3.7.9\ndependencies:\n- -r requirements.txt\n");
    const warnings: string[] = [];
    const model = await loadFixture(dir, { workers: 1 }, (w) => warnings.push(w));
    try {
      assert.equal(warnings.length, 3, warnings.join("\n"));
      assert.match(
        warnings[0] ?? "",
        /logged with Python 3\.7\.9 \(python_env\.yaml\); \/usr\/bin\/python3 is Python 3\./,
      );
      assert.match(
        warnings[1] ?? "",
        /requires scikit-learn==0\.24\.2 \(requirements\.txt\); \/usr\/bin\/python3 has scikit-learn 1\./,
      );
      assert.match(
        warnings[2] ?? "",
        /requires no-such-package-mw==1\.0 \(requirements\.txt\); \/usr\/bin\/python3 does not have no-such-package-mw/,
      );
      const { table, expected } = fixtureRows("binary");
      const out = await model.predict(table.slice(0, 3));
      assert.ok(Math.abs((out.scores[2] as number) - (expected[2] as number)) <= 1e-9);
    } finally {
      await model.close();
    }
  });
});
