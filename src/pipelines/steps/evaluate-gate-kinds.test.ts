/** `evaluate` and `gate` on MLflow-logged XGBoost regression and multiclass models (test-fixtures/runtimes/xgboost). */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Table } from "../../data/table.js";
import { tableFromRows } from "../../data/test-support/build-table.js";
import type { RolloutFixture } from "../../rollout/test-support/rollout-fixture.js";
import { rolloutFixture } from "../../rollout/test-support/rollout-fixture.js";
import { loadModelFolder } from "../../runtimes/load-model-folder.js";
import { nativeRuntime } from "../../runtimes/native/native-runtime.js";
import type { LoadedModel } from "../../runtimes/runtime.js";
import { FIXTURES, readExpected } from "../../runtimes/xgboost/test-support/fixtures.js";
import { xgboostRuntime } from "../../runtimes/xgboost/xgboost-runtime.js";
import { PermanentStepError } from "../step-executor.js";
import { stepContext } from "../test-support/step-context.js";
import { evaluateExecutor } from "./evaluate.js";
import { gateExecutor } from "./gate-executor.js";

let f: RolloutFixture;
const models = new Map<string, LoadedModel>();
const tables = new Map<string, Table>();

const load = (name: string) => loadModelFolder(join(FIXTURES, name), [nativeRuntime, xgboostRuntime]);

/** The fixture's rows with a label column `y`: the model's own answer, perturbed on some rows. */
function labelled(name: string, label: (prediction: number | number[], i: number) => number | string): Table {
  const e = readExpected(name);
  const rows = e.rows.map((r, i) => [...r, label(e.predictions[i] as number | number[], i)]);
  return tableFromRows([...e.columns, "y"], rows);
}

const argmax = (p: number[]) => p.indexOf(Math.max(...p));

/** Probabilities mixed with the uniform distribution: the same ranking, worse log loss. */
function blurred(model: LoadedModel, share: number): LoadedModel {
  return {
    ...model,
    predict: async (t) => {
      const out = await model.predict(t);
      const k = model.classes?.length ?? 1;
      return { rows: out.rows, scores: out.scores.map((p) => (1 - share) * p + share / k) };
    },
  };
}

/** The same model answering its classes in another order (2, 0, 1). */
function reordered(model: LoadedModel): LoadedModel {
  const order = [2, 0, 1];
  return {
    ...model,
    classes: order.map((c) => model.classes?.[c] as string),
    predict: async (t) => {
      const out = await model.predict(t);
      const scores = new Float64Array(out.scores.length);
      for (let i = 0; i < out.rows; i++) {
        for (let j = 0; j < 3; j++) scores[i * 3 + j] = out.scores[i * 3 + (order[j] as number)] as number;
      }
      return { rows: out.rows, scores };
    },
  };
}

before(async () => {
  f = await rolloutFixture();
  const softprob = await load("multiclass-softprob-xgb");
  const regression = await load("regression-ubj");
  const versions: [string, LoadedModel][] = [
    ["iris/1", blurred(softprob, 0.6)],
    ["iris/2", softprob],
    ["iris/3", reordered(softprob)],
    ["iris/4", regression],
    ["price/1", regression],
    [
      "price/2",
      { ...regression, predict: async (t) => ({ rows: t.numRows, scores: new Float64Array(t.numRows).fill(40) }) },
    ],
  ];
  for (const name of ["iris", "price"]) await f.registry.createRegisteredModel({ name });
  for (const [ref, model] of versions) {
    const [name] = ref.split("/") as [string];
    const v = await f.registry.createModelVersion({ name, source: `s3://m/${ref}` });
    models.set(`${name}/${v.version}`, model);
  }
  tables.set(
    "iris",
    labelled("multiclass-softprob-xgb", (p, i) => (argmax(p as number[]) + (i % 5 === 0 ? 1 : 0)) % 3),
  );
  tables.set(
    "iris-bad",
    labelled("multiclass-softprob-xgb", (_p, i) => (i === 7 ? "setosa" : 0)),
  );
  tables.set(
    "price",
    labelled("regression-ubj", (p, i) => (p as number) + (i % 2 === 0 ? 1.5 : -1.5)),
  );
});
after(() => f.close());

const loaders = {
  loadModel: async (name: string, version: string) => {
    const m = models.get(`${name}/${version}`);
    if (!m) throw new Error(`no model ${name}/${version}`);
    return { predictor: m };
  },
  loadEval: async (ref: string) => ({ table: tables.get(ref) as Table, ref: `${ref}@1` }),
};
const evaluate = () => evaluateExecutor({ registry: f.registry, ...loaders });
const gate = () => gateExecutor({ registry: f.registry, ...loaders, notify: () => {} });

test("evaluate reports multiclass log loss, accuracy and macro F1, and regression rmse, mae and r2", async () => {
  const iris = await evaluate().run(stepContext("evaluate", { model: "iris", version: 2, data: "iris", label: "y" }));
  assert.equal(iris.kind, "multiclass");
  const m = iris.metrics as Record<string, number>;
  assert.deepEqual(Object.keys(m), ["log_loss", "accuracy", "macro_f1", "rows"]);
  assert.equal(m.rows, 160);
  // Every fifth label was moved off the model's top class.
  assert.equal(m.accuracy, 128 / 160);
  assert.ok((m.macro_f1 as number) > 0.7 && (m.macro_f1 as number) < 0.85, String(m.macro_f1));
  const price = await evaluate().run(
    stepContext("evaluate", { model: "price", version: 1, data: "price", label: "y" }),
  );
  const r = price.metrics as Record<string, number>;
  assert.equal(price.kind, "regression");
  assert.ok(Math.abs((r.rmse as number) - 1.5) < 1e-5 && Math.abs((r.mae as number) - 1.5) < 1e-5, JSON.stringify(r));
  assert.ok((r.r2 as number) > 0.9);
});

test("evaluate refuses labels the model's kind cannot read, naming them", async () => {
  const bad = (settings: Record<string, unknown>, re: RegExp) =>
    assert.rejects(
      evaluate().run(stepContext("evaluate", settings)),
      (e) => e instanceof PermanentStepError && re.test(e.message),
    );
  await bad({ model: "iris", version: 2, data: "iris" }, /names no label column: give the label column with 'label'/);
  await bad(
    { model: "iris", version: 2, data: "iris-bad", label: "y" },
    /value 'setosa' in row 7, which is not one of the model's classes \(0, 1, 2\)/,
  );
  await bad({ model: "price", version: 1, data: "iris", label: "nope" }, /Label column 'nope' is not in the data/);
});

test("gate on multiclass: log_loss by default, a blurred champion beaten, classes in another order aligned", async () => {
  await f.registry.setAlias({ name: "iris", alias: "champion", version: 1 });
  const out = await gate().run(stepContext("gate", { model: "iris", candidate: 2, eval: "iris", label: "y" }));
  assert.equal(out.promote, true, String(out.reason));
  const ev = out.evidence as { kind: string; metric: string; metrics: Record<string, { improvement: number }> };
  assert.equal(ev.kind, "multiclass");
  assert.equal(ev.metric, "log_loss");
  assert.ok((ev.metrics.log_loss?.improvement as number) > 0);
  // Same probabilities, columns in another order: no difference once aligned.
  await f.registry.setAlias({ name: "iris", alias: "champion", version: 3 });
  const same = await gate().run(
    stepContext("gate", {
      model: "iris",
      candidate: 2,
      eval: "iris",
      label: "y",
      metric: "accuracy",
      guardrails: { macro_f1: 0 },
    }),
  );
  const metrics = (same.evidence as { metrics: Record<string, { difference: number }> }).metrics;
  assert.equal(metrics.accuracy?.difference, 0);
  assert.equal(metrics.macro_f1?.difference, 0);
});

test("gate on regression: rmse (lower is better) decides; a champion of another kind or a binary metric is refused", async () => {
  await f.registry.setAlias({ name: "price", alias: "champion", version: 2 });
  const out = await gate().run(
    stepContext("gate", {
      model: "price",
      candidate: 1,
      eval: "price",
      label: "y",
      floor: 2,
      bootstrap: { samples: 100 },
    }),
  );
  assert.equal(out.promote, true, String(out.reason));
  assert.match(String(out.reason), /challenger rmse 1\.5000 vs champion \d+\.\d+: improvement \d+\.\d+ passes/);
  await f.registry.setAlias({ name: "price", alias: "champion", version: 1 });
  const rejected = await gate().run(stepContext("gate", { model: "price", candidate: 2, eval: "price", label: "y" }));
  assert.equal(rejected.promote, false);
  assert.match(String(rejected.reason), /improvement -\d+\.\d+ is below the minimum 0/);
  const refused = (settings: Record<string, unknown>, re: RegExp) =>
    assert.rejects(
      gate().run(stepContext("gate", settings)),
      (e) => e instanceof PermanentStepError && re.test(e.message),
    );
  await refused(
    { model: "price", candidate: 1, eval: "price", label: "y", metric: "roc_auc" },
    /'metric': roc_auc does not apply to a regression model \(expected one of rmse, mae, r2\)/,
  );
  await refused(
    { model: "price", candidate: 1, eval: "price", label: "y", guardrails: { accuracy: 0.1 } },
    /'guardrails.accuracy': accuracy does not apply to a regression model/,
  );
  await f.registry.setAlias({ name: "iris", alias: "champion", version: 4 });
  await refused(
    { model: "iris", candidate: 2, eval: "iris", label: "y" },
    /champion iris\/4 is a regression model and the candidate a multiclass one/,
  );
});
