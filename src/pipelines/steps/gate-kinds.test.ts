/** The gate on regression and multiclass models: metrics equal src/learn/metrics, direction respected everywhere. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MwError } from "../../core/errors.js";
import { seededRandom } from "../../core/random.js";
import { evaluateMulticlass, evaluateRegression } from "../../learn/metrics/index.js";
import { decideGate } from "./gate.js";
import { pairedBootstrap } from "./gate-bootstrap.js";
import { weightedMetric } from "./gate-metrics.js";

/** A target and two models' predictions: `good` errs with sd 1, `poor` with sd 3. */
function regression(n: number, seed = 4) {
  const r = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const y = Float64Array.from({ length: n }, () => 10 + 3 * normal());
  return {
    y,
    good: y.map((v) => v + normal()),
    poor: y.map((v) => v + 3 * normal()),
  };
}

/** Three classes; `good` puts most mass on the true class, `poor` less. */
function multiclass(n: number, seed = 6) {
  const r = seededRandom(seed);
  const y = Float64Array.from({ length: n }, () => Math.floor(r() * 3));
  const probs = (sharp: number) => {
    const p = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) {
      const raw = [r(), r(), r()];
      raw[y[i] as number] = (raw[y[i] as number] as number) + sharp;
      const sum = raw.reduce((a, b) => a + b, 0);
      for (let c = 0; c < 3; c++) p[i * 3 + c] = (raw[c] as number) / sum;
    }
    return p;
  };
  return { y, good: probs(0.6), poor: probs(0.1) };
}

const close = (a: number | null, b: number) => assert.ok(a !== null && Math.abs(a - b) < 1e-12, `${a} ≉ ${b}`);

test("regression gate metrics equal evaluateRegression; integer weights repeat rows", () => {
  const { y, good } = regression(300);
  const e = evaluateRegression(y, good);
  close(weightedMetric("rmse", "regression", y, good)(), e.rmse);
  close(weightedMetric("mae", "regression", y, good)(), e.mae);
  close(weightedMetric("r2", "regression", y, good)(), e.r2);
  const weights = Uint32Array.from({ length: 300 }, (_, i) => i % 3);
  const rows = [...weights.keys()].flatMap((i) => Array<number>(weights[i] as number).fill(i));
  const repeated = evaluateRegression(
    rows.map((i) => y[i] as number),
    rows.map((i) => good[i] as number),
  );
  close(weightedMetric("rmse", "regression", y, good)(weights), repeated.rmse);
  close(weightedMetric("r2", "regression", y, good)(weights), repeated.r2);
});

test("multiclass gate metrics equal evaluateMulticlass; integer weights repeat rows", () => {
  const { y, good } = multiclass(240);
  const classes = ["a", "b", "c"];
  const e = evaluateMulticlass(y, good, classes);
  close(weightedMetric("log_loss", "multiclass", y, good, 3)(), e.log_loss);
  close(weightedMetric("accuracy", "multiclass", y, good, 3)(), e.accuracy);
  close(weightedMetric("macro_f1", "multiclass", y, good, 3)(), e.macro_f1);
  const weights = Uint32Array.from({ length: 240 }, (_, i) => (i * 7) % 4);
  const rows = [...weights.keys()].flatMap((i) => Array<number>(weights[i] as number).fill(i));
  const repeated = evaluateMulticlass(
    rows.map((i) => y[i] as number),
    rows.flatMap((i) => [0, 1, 2].map((c) => good[i * 3 + c] as number)),
    classes,
  );
  close(weightedMetric("macro_f1", "multiclass", y, good, 3)(weights), repeated.macro_f1);
  close(weightedMetric("log_loss", "multiclass", y, good, 3)(weights), repeated.log_loss);
});

test("regression: rmse by default, lower is better in the decision, the floor and the bootstrap", () => {
  const { y, good, poor } = regression(600);
  const bootstrap = { samples: 200, confidence: 0.95, seed: 2 };
  const up = decideGate({ kind: "regression", labels: y, challenger: good, champion: poor, bootstrap });
  assert.equal(up.evidence.metric, "rmse");
  assert.equal(up.evidence.kind, "regression");
  assert.equal(up.promote, true, up.reason);
  const rmse = up.evidence.metrics.rmse;
  assert.ok(rmse?.lower_is_better && (rmse.challenger as number) < (rmse.champion as number));
  assert.ok((rmse?.improvement as number) > 1 && (up.evidence.ci?.lower as number) > 0);
  const down = decideGate({ kind: "regression", labels: y, challenger: poor, champion: good, bootstrap });
  assert.equal(down.promote, false);
  assert.match(down.reason, /challenger rmse \d+\.\d+ vs champion \d+\.\d+: improvement -\d+\.\d+ is below/);
  const ci = pairedBootstrap(
    "rmse",
    y.length,
    weightedMetric("rmse", "regression", y, poor),
    weightedMetric("rmse", "regression", y, good),
    bootstrap,
  );
  assert.ok(ci && ci.upper < 0, "a worse challenger's improvement CI is below 0");
  const floor = decideGate({ kind: "regression", labels: y, challenger: good, floor: 0.5 });
  assert.equal(floor.promote, false);
  assert.match(floor.reason, /rmse \d+\.\d+ is above the floor 0.5/);
  assert.equal(decideGate({ kind: "regression", labels: y, challenger: good, floor: 2 }).promote, true);
  const r2 = decideGate({ kind: "regression", labels: y, challenger: good, champion: poor, metric: "r2" });
  assert.equal(r2.evidence.metrics.r2?.lower_is_better, false);
  assert.equal(r2.promote, true, r2.reason);
});

test("regression guardrail: a worse mae beyond its allowance rejects a better rmse", () => {
  const { y, good } = regression(400);
  // The champion is exact on every row but one, which it misses by 200: a far worse RMSE, a better MAE.
  const spiky = y.map((v, i) => (i === 0 ? v + 200 : v));
  const base = { kind: "regression" as const, labels: y, challenger: good, champion: spiky };
  const strict = decideGate({ ...base, guardrails: { mae: 0.01 } });
  assert.equal(strict.promote, false);
  assert.match(strict.reason, /guardrail mae regressed by \d+\.\d+ \(max 0.01\)/);
  assert.equal(decideGate({ ...base, guardrails: { mae: 10 } }).promote, true);
});

test("multiclass: log_loss by default; accuracy and macro_f1 higher is better", () => {
  const { y, good, poor } = multiclass(900);
  const base = { kind: "multiclass" as const, labels: y, classes: 3 };
  const up = decideGate({ ...base, challenger: good, champion: poor, bootstrap: { samples: 100, confidence: 0.9 } });
  assert.equal(up.evidence.metric, "log_loss");
  assert.equal(up.promote, true, up.reason);
  assert.ok((up.evidence.ci?.lower as number) > 0);
  for (const metric of ["accuracy", "macro_f1"] as const) {
    const d = decideGate({ ...base, challenger: poor, champion: good, metric, floor: 0.2 });
    assert.equal(d.evidence.metrics[metric]?.lower_is_better, false);
    assert.equal(d.promote, false, d.reason);
    assert.match(d.reason, new RegExp(`${metric} 0\\.\\d+ vs champion 0\\.\\d+: improvement -0\\.\\d+`));
  }
  const floor = decideGate({ ...base, challenger: poor, metric: "accuracy", floor: 0.99 });
  assert.match(floor.reason, /below the floor 0.99/);
});

test("bad regression and multiclass input names the problem", () => {
  const bad = (input: Parameters<typeof decideGate>[0], re: RegExp) =>
    assert.throws(
      () => decideGate(input),
      (e) => e instanceof MwError && re.test(e.message),
    );
  bad(
    { kind: "regression", labels: [1, 2], challenger: [1, Number.NaN] },
    /challenger\[1\] must be a finite prediction/,
  );
  bad({ kind: "regression", labels: [1, Number.NaN], challenger: [1, 2] }, /labels\[1\] must be a finite number/);
  bad(
    { kind: "regression", labels: [1, 2], challenger: [1, 2], metric: "roc_auc" },
    /roc_auc does not apply to a regression model \(expected one of rmse, mae, r2\)/,
  );
  bad({ kind: "multiclass", labels: [0, 1], challenger: [0.5, 0.5, 0.5, 0.5] }, /number of classes/);
  bad(
    { kind: "multiclass", labels: [0, 2], classes: 2, challenger: [0.5, 0.5, 0.5, 0.5] },
    /labels\[1\] must be a class index from 0 to 1/,
  );
  bad(
    { kind: "multiclass", labels: [0, 1], classes: 2, challenger: [0.5, 0.5, 0.5] },
    /3 probabilities for 2 rows × 2 classes/,
  );
  bad(
    { kind: "multiclass", labels: [0, 1], classes: 2, challenger: [1, 0, 0, 1], guardrails: { brier: 0.1 } },
    /guardrails.brier/,
  );
});
