import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { seededRandom } from "../../core/random.js";
import { type FeatureMatrix, matrixFromColumns } from "../feature-matrix.js";
import { gbdtFromJSON, trainGbdt } from "./index.js";

/** Rows where `y = 1` iff x0 + x1 > 1 (with 10% flipped), plus a noise column. */
function ruleData(rows: number, seed: number): { x: FeatureMatrix; y: Float64Array } {
  const rng = seededRandom(seed);
  const cols = [new Float64Array(rows), new Float64Array(rows), new Float64Array(rows)];
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (const c of cols) c[i] = rng();
    const label = (cols[0]![i]! + cols[1]![i]! > 1 ? 1 : 0) ^ (rng() < 0.1 ? 1 : 0);
    y[i] = label;
  }
  return { x: matrixFromColumns(["a", "b", "noise"], cols), y };
}

function auc(y: Float64Array, p: Float64Array): number {
  let pairs = 0;
  let wins = 0;
  for (let i = 0; i < y.length; i++) {
    for (let j = 0; j < y.length; j++) {
      if (y[i] !== 1 || y[j] !== 0) continue;
      pairs++;
      wins += p[i]! > p[j]! ? 1 : p[i] === p[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

describe("trainGbdt", () => {
  test("a one-split stump matches the hand computation", async () => {
    const x = matrixFromColumns(["f"], [[1, 2, 3, 4]]);
    const y = Float64Array.of(0, 0, 1, 1);
    const params = { n_estimators: 1, max_depth: 1, learning_rate: 1, min_child_weight: 0 };
    const model = await trainGbdt(x, y, params);
    const t = model.toJSON().trees;
    // g = p - y = ±0.5, h = 0.25: left G = 1, H = 0.5 → w = -1 / (0.5 + 1); gain = ½(1/1.5 + 1/1.5 - 0).
    assert.deepEqual(t.feature, [0, -1, -1]);
    assert.equal(t.threshold[0], 3);
    assert.ok(Math.abs(t.value[1]! + 2 / 3) < 1e-12);
    assert.ok(Math.abs(t.value[2]! - 2 / 3) < 1e-12);
    assert.ok(Math.abs(t.gain[0]! - 2 / 3) < 1e-12);
    assert.ok(Math.abs(model.featureImportance().f! - 2 / 3) < 1e-12);
    const p = model.predict(matrixFromColumns(["f"], [[2.9, 3]]));
    assert.ok(Math.abs(p[0]! - 1 / (1 + Math.exp(2 / 3))) < 1e-12);
    assert.ok(p[1]! > 0.5);
  });

  test("learns the default direction of missing values", async () => {
    const params = { n_estimators: 1, max_depth: 1, learning_rate: 1, min_child_weight: 0 };
    const x = matrixFromColumns(["f"], [[1, 2, 3, 4, Number.NaN, Number.NaN]]);
    const right = await trainGbdt(x, Float64Array.of(0, 0, 1, 1, 1, 1), params);
    assert.deepEqual(right.toJSON().trees.default_left.slice(0, 1), [0]);
    const left = await trainGbdt(x, Float64Array.of(0, 0, 1, 1, 0, 0), params);
    assert.deepEqual(left.toJSON().trees.default_left.slice(0, 1), [1]);
    const nan = matrixFromColumns(["f"], [[Number.NaN]]);
    assert.ok(right.predict(nan)[0]! > 0.5);
    assert.ok(left.predict(nan)[0]! < 0.5);
  });

  test("is deterministic, and the seed drives subsampling", async () => {
    const { x, y } = ruleData(2000, 1);
    const params = { n_estimators: 20, subsample: 0.7, colsample_bytree: 0.67, seed: 7 };
    const a = JSON.stringify(await trainGbdt(x, y, params));
    const b = JSON.stringify(await trainGbdt(x, y, params));
    assert.equal(a, b);
    const c = JSON.stringify(await trainGbdt(x, y, { ...params, seed: 8 }));
    assert.notEqual(a, c);
  });

  test("early stopping keeps the best iteration", async () => {
    const train = ruleData(300, 2);
    const valid = ruleData(300, 3);
    const losses: number[] = [];
    const model = await trainGbdt(
      train.x,
      train.y,
      { n_estimators: 200, max_depth: 6, min_child_weight: 0, early_stopping_rounds: 5 },
      { valid, onIteration: (_it, _train, v) => losses.push(v as number) },
    );
    const best = losses.indexOf(Math.min(...losses));
    assert.equal(model.bestIteration, best);
    assert.equal(model.treeCount, best + 1);
    assert.equal(losses.length, best + 6);
  });

  test("regression with squared error", async () => {
    const rng = seededRandom(5);
    // 100 distinct values: each gets its own bin, so the jump at 0.5 is separable.
    const x0 = Float64Array.from({ length: 1000 }, () => Math.floor(rng() * 100) / 100);
    const y = x0.map((v) => (v > 0.5 ? 10 : 2) + 3 * v);
    const x = matrixFromColumns(["x0"], [x0]);
    const model = await trainGbdt(x, y, { objective: "reg:squarederror", n_estimators: 50 });
    const p = model.predict(x);
    const rmse = Math.sqrt(p.reduce((s, v, i) => s + (v - y[i]!) ** 2, 0) / y.length);
    assert.ok(rmse < 0.05, `rmse ${rmse}`);
  });

  test("quality on a known rule, with importance on the informative features", async () => {
    const train = ruleData(4000, 10);
    const test = ruleData(1000, 11);
    const model = await trainGbdt(train.x, train.y, { n_estimators: 50, max_depth: 3, learning_rate: 0.1 });
    assert.ok(auc(test.y, model.predict(test.x)) > 0.9);
    const imp = model.featureImportance();
    assert.ok(imp.a! > 0 && imp.b! > 0);
    assert.ok(imp.a! > 10 * imp.noise! && imp.b! > 10 * imp.noise!);
  });

  test("max_leaves grows best-first within the leaf budget", async () => {
    const { x, y } = ruleData(2000, 4);
    const model = await trainGbdt(x, y, { n_estimators: 3, max_leaves: 5, max_depth: 10 });
    const t = model.toJSON().trees;
    const leaves = t.feature.filter((f) => f === -1).length;
    assert.equal(leaves, 15);
  });

  test("JSON round trip predicts identically", async () => {
    const { x, y } = ruleData(1000, 6);
    const withMissing = { ...x, data: x.data.map((v, i) => (i % 17 === 0 ? Number.NaN : v)) };
    const model = await trainGbdt(withMissing, y, { n_estimators: 30 });
    const back = gbdtFromJSON(JSON.parse(JSON.stringify(model)));
    assert.deepEqual(back.predict(withMissing), model.predict(withMissing));
    assert.deepEqual(back.predictMargin(withMissing), model.predictMargin(withMissing));
    assert.equal(JSON.stringify(back), JSON.stringify(model));
  });

  test("worker threads give the same model quality", async () => {
    const { x, y } = ruleData(30_000, 8);
    const one = await trainGbdt(x, y, { n_estimators: 10 });
    const two = await trainGbdt(x, y, { n_estimators: 10 }, { threads: 2 });
    const p1 = one.predict(x);
    const p2 = two.predict(x);
    assert.ok(p1.every((v, i) => Math.abs(v - p2[i]!) < 1e-6));
  });
});
