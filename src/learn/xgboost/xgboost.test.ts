import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { isMwError } from "../../core/errors.js";
import { type FeatureMatrix, matrixFromColumns } from "../feature-matrix.js";
import { parseXgboostJson } from "./xgboost-json.js";
import { loadXgboostModel, xgboostModel } from "./xgboost-model.js";

const DIR = new URL("../../../test-fixtures/xgboost/", import.meta.url);
const readJson = (name: string) => JSON.parse(readFileSync(new URL(name, DIR), "utf8"));

interface Inputs {
  feature_names: string[];
  rows: (number | null)[][];
}

function matrixOf(inputs: Inputs, names = inputs.feature_names): FeatureMatrix {
  const cols = inputs.feature_names.map((_, j) => inputs.rows.map((r) => r[j] ?? Number.NaN));
  return matrixFromColumns(names, cols);
}

function maxAbsDiff(a: ArrayLike<number>, b: readonly number[]): number {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs((a[i] as number) - (b[i] as number)));
  return d;
}

interface TreeDoc {
  left_children: number[];
  split_indices: number[];
  split_conditions?: number[];
  default_left: number[];
  split_type: number[];
}

interface ModelDoc {
  version?: number[];
  learner: {
    objective: { name: string };
    learner_model_param: Record<string, string | undefined>;
    gradient_booster: { name: string; model: { trees: TreeDoc[]; tree_info: number[] } };
  };
}

/** A fresh copy of the binary fixture with `edit` applied. */
function mutated(edit: (doc: ModelDoc) => void): unknown {
  const doc = readJson("binary.model.json");
  edit(doc);
  return doc;
}

function assertInvalid(json: unknown, pattern: RegExp): void {
  assert.throws(
    () => loadXgboostModel(json),
    (e: unknown) => isMwError(e) && e.code === "INVALID_PARAMETER_VALUE" && pattern.test(e.message),
  );
}

describe("loadXgboostModel against xgboost 1.7 predictions", () => {
  for (const name of ["binary", "regression"]) {
    test(`${name}: predictions and margins match within 1e-6 on every row`, () => {
      const model = loadXgboostModel(readJson(`${name}.model.json`));
      const inputs: Inputs = readJson(`${name}.inputs.json`);
      const expected = readJson(`${name}.expected.json`);
      const x = matrixOf(inputs);
      assert.equal(model.numTrees, 50);
      assert.ok(
        inputs.rows.some((r) => r.includes(null)),
        "fixture has missing values",
      );
      const dPred = maxAbsDiff(model.predict(x), expected.predictions);
      const dMargin = maxAbsDiff(model.predictMargin(x), expected.margins);
      assert.ok(dPred <= 1e-6, `max abs prediction diff ${dPred}`);
      assert.ok(dMargin <= 1e-6, `max abs margin diff ${dMargin}`);
      // Float32 emulation reproduces XGBoost bit for bit; keep it that way.
      assert.equal(dPred, 0);
      assert.equal(dMargin, 0);
    });
  }

  test("predictRow gives predict's scores; rounds keeps the first trees", () => {
    const model = loadXgboostModel(readJson("binary.model.json"));
    const inputs: Inputs = readJson("binary.inputs.json");
    const batch = model.predict(matrixOf(inputs));
    const out = new Float64Array(1);
    inputs.rows.forEach((row, i) => {
      model.predictRow(
        row.map((v) => v ?? Number.NaN),
        out,
      );
      assert.equal(out[0], batch[i]);
    });
    const parsed = parseXgboostJson(readJson("binary.model.json"));
    assert.equal(xgboostModel(parsed, { rounds: 10 }).numTrees, 10);
    assert.equal(xgboostModel(parsed, { rounds: 500 }).numTrees, 50);
  });

  test("binary: objective, base_score and feature names are read", () => {
    const model = loadXgboostModel(readJson("binary.model.json"));
    assert.equal(model.objective, "binary:logistic");
    assert.equal(model.baseScore, 0.3);
    assert.equal(model.featureNames?.[0], "age");
    assert.equal(model.numFeatures, 8);
  });

  test("binary: columns are matched by name, whatever their order", () => {
    const model = loadXgboostModel(readJson("binary.model.json"));
    const inputs: Inputs = readJson("binary.inputs.json");
    const x = matrixOf(inputs);
    const order = [7, 6, 5, 4, 3, 2, 1, 0];
    const shuffled = matrixFromColumns(
      order.map((j) => x.names[j] as string),
      order.map((j) => x.data.subarray(j * x.rows, (j + 1) * x.rows)),
    );
    assert.deepEqual(model.predict(shuffled), model.predict(x));
    assertInvalidPredict(() => model.predict(matrixOf(inputs, ["a", ...inputs.feature_names.slice(1)])), /age/);
  });

  test("regression: unnamed model is positional and checks the column count", () => {
    const model = loadXgboostModel(readJson("regression.model.json"));
    assert.equal(model.objective, "reg:squarederror");
    assert.equal(model.featureNames, null);
    const x = matrixFromColumns(["a"], [[1, 2]]);
    assertInvalidPredict(() => model.predict(x), /expects 8 feature columns, got 1/);
  });

  test("a model without trees predicts the base score", () => {
    const model = loadXgboostModel(
      mutated((d) => {
        d.learner.gradient_booster.model.trees = [];
        d.learner.gradient_booster.model.tree_info = [];
      }),
    );
    const inputs: Inputs = readJson("binary.inputs.json");
    const p = model.predict(matrixOf(inputs));
    assert.ok(Math.abs((p[0] as number) - 0.3) < 1e-7);
  });
});

function assertInvalidPredict(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => isMwError(e) && e.code === "INVALID_PARAMETER_VALUE" && pattern.test(e.message));
}

describe("loadXgboostModel validation", () => {
  test("accepts the JSON text too, and rejects text that is not JSON", () => {
    const text = readFileSync(new URL("regression.model.json", DIR), "utf8");
    assert.equal(loadXgboostModel(text).numTrees, 50);
    assertInvalid("{not json", /not valid JSON/);
    assertInvalid(null, /'\(root\)' is missing or not an object/);
  });

  test("unsupported objective; multi-class models are for the runtime, not packages", () => {
    assertInvalid(
      mutated((d) => {
        d.learner.objective.name = "rank:pairwise";
      }),
      /objective 'rank:pairwise' is not supported/,
    );
    assertInvalid(
      mutated((d) => {
        d.learner.objective.name = "multi:softprob";
      }),
      /multi:softprob needs num_class ≥ 2, got 0/,
    );
    assertInvalid(
      mutated((d) => {
        d.learner.objective.name = "multi:softprob";
        d.learner.learner_model_param.num_class = "2";
      }),
      /objective 'multi:softprob' is not supported here/,
    );
  });

  test("wrong or missing version", () => {
    assertInvalid(
      mutated((d) => {
        d.version = [0, 90, 0];
      }),
      /version 0\.90\.0 is not supported/,
    );
    assertInvalid(
      mutated((d) => {
        d.version = undefined;
      }),
      /'version' is missing/,
    );
  });

  test("missing fields are named", () => {
    assertInvalid(
      mutated((d) => {
        d.learner.learner_model_param.base_score = undefined;
      }),
      /learner_model_param\.base_score/,
    );
    assertInvalid(
      mutated((d) => {
        d.learner.gradient_booster.model.trees[3]!.split_conditions = undefined;
      }),
      /trees\[3\]\.split_conditions/,
    );
    assertInvalid(
      mutated((d) => {
        d.learner.gradient_booster.model.trees[1]!.default_left.pop();
      }),
      /trees\[1\]\.default_left' has \d+ entries/,
    );
  });

  test("bad structure: cycles, feature indices, boosters, categorical splits, base_score", () => {
    assertInvalid(
      mutated((d) => {
        d.learner.gradient_booster.model.trees[0]!.left_children[1] = 0;
      }),
      /trees\[0\]' is not a tree/,
    );
    assertInvalid(
      mutated((d) => {
        d.learner.gradient_booster.model.trees[0]!.split_indices[0] = 8;
      }),
      /splits on feature 8 of 8/,
    );
    assertInvalid(
      mutated((d) => {
        d.learner.gradient_booster.name = "dart";
      }),
      /booster 'dart' is not supported/,
    );
    assertInvalid(
      mutated((d) => {
        d.learner.gradient_booster.model.trees[2]!.split_type[0] = 1;
      }),
      /categorical splits/,
    );
    assertInvalid(
      mutated((d) => {
        d.learner.learner_model_param.base_score = "1.5";
      }),
      /base_score 1.5 must lie in \(0, 1\)/,
    );
    assertInvalid(
      mutated((d) => {
        d.learner.learner_model_param.num_class = "3";
      }),
      /multi-class/,
    );
  });
});
