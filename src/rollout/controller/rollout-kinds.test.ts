/** Rollouts of regression and multiclass models: the label check of the kind, score PSI only on probabilities, kinds checked. */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { MwError } from "../../core/errors.js";
import type { ModelKind } from "../../runtimes/runtime.js";
import type { LabeledScore } from "../../serving/prediction-log/prediction-log-store.js";
import type { CheckResult } from "../analysis/window-checks.js";
import { assertThresholdsFitKind } from "../kind-thresholds.js";
import { RolloutService } from "../rollout-service.js";
import type { Harness } from "../test-support/controller-harness.js";
import {
  CANDIDATE,
  DEPLOYMENT,
  FakeLabels,
  INTERVAL,
  MODEL,
  openHarness,
  specInput,
  T0,
} from "../test-support/controller-harness.js";

/** `n` labelled rows of one variant, `row` giving each one's score, logged label and outcome. */
function rows(
  variant: "primary" | "candidate",
  version: string,
  n: number,
  row: (i: number) => Pick<LabeledScore, "score" | "label" | "outcome">,
): LabeledScore[] {
  return Array.from({ length: n }, (_, i) => ({
    variant,
    shadow: false,
    modelName: MODEL,
    modelVersion: version,
    time: T0 + i,
    ...row(i),
  }));
}

/** Regression predictions `error` away from their outcomes (RMSE = error). */
const regression = (error: number) => (i: number) => ({
  score: 10 + i,
  label: String(10 + i),
  outcome: String(10 + i + (i % 2 ? error : -error)),
});
/** A top class that is right on every `correctEvery`-th row. */
const multiclass = (correctEvery: number) => (i: number) => ({
  score: 0.8,
  label: "a",
  outcome: i % correctEvery === 0 ? "a" : "b",
});

describe("rollouts per model kind", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(() => h.close());

  /** Start with `labels`, reach step 1, analyse once; the checks of that analysis. */
  async function analyseOnce(
    kinds: { primary: ModelKind; candidate: ModelKind },
    labels: LabeledScore[],
  ): Promise<CheckResult[]> {
    h.served.served = kinds;
    const fake = new FakeLabels();
    fake.rows = labels;
    const c = h.controller({ labels: fake });
    await h.start({ threshold: 3 });
    await c.tick();
    h.clock.advance(INTERVAL);
    await c.tick();
    const events = await h.events();
    const last = events.filter((e) => e.type === "rollout_step" || e.type === "rollout_analysis").at(-1);
    return (last?.data?.checks ?? []) as CheckResult[];
  }

  test("regression: the RMSE check on labels, no score PSI", async () => {
    const checks = await analyseOnce({ primary: "regression", candidate: "regression" }, [
      ...rows("primary", "1", 120, regression(1)),
      ...rows("candidate", "2", 120, regression(2)),
    ]);
    const names = checks.map((c) => c.check);
    assert.ok(!names.includes("score-psi") && !names.includes("auc"), names.join(", "));
    const rmse = checks.find((c) => c.check === "rmse");
    assert.ok(rmse);
    assert.deepEqual([rmse.passed, rmse.value, rmse.threshold], [false, 2, 1.1]);
    assert.equal((await h.rollout()).failedChecks, 1);
  });

  test("multiclass: score PSI on the top-class probability and the accuracy check", async () => {
    const checks = await analyseOnce({ primary: "multiclass", candidate: "multiclass" }, [
      ...rows("primary", "1", 100, multiclass(1)),
      ...rows("candidate", "2", 100, multiclass(2)),
    ]);
    const names = checks.map((c) => c.check);
    assert.ok(names.includes("score-psi") && !names.includes("auc"), names.join(", "));
    const accuracy = checks.find((c) => c.check === "accuracy");
    assert.ok(accuracy);
    assert.deepEqual([accuracy.passed, accuracy.value, accuracy.threshold], [false, 0.5, 0.98]);
  });

  test("a candidate of another kind than the primary fails check model-kind", async () => {
    const checks = await analyseOnce({ primary: "binary", candidate: "regression" }, []);
    const kind = checks.find((c) => c.check === "model-kind");
    assert.equal(kind?.passed, false);
    assert.match(kind?.detail ?? "", /candidate is a regression model and the primary a binary one/);
  });

  test("start with a model loader: thresholds must fit the candidate's kind, kinds must match", async () => {
    const kinds: Record<string, ModelKind> = { [`${MODEL}@champion`]: "regression", [CANDIDATE]: "regression" };
    const service = new RolloutService({
      ...h.service.actions.deps,
      checkLoad: async (ref: string) => {
        const k = kinds[ref];
        if (!k) throw new Error(`no model.json in ${ref}`);
        return k;
      },
    });
    const refused = (over: Parameters<typeof specInput>[0], re: RegExp) =>
      assert.rejects(
        service.start(DEPLOYMENT, specInput(over)),
        (e) => e instanceof MwError && e.code === "INVALID_PARAMETER_VALUE" && re.test(e.message),
      );
    await refused(
      { thresholds: { aucMargin: 0.05 } },
      /'thresholds.auc_margin': the AUC check is for binary models, and m\/2 is a regression model \(its label check takes max_rmse_increase\)/,
    );
    await refused({ thresholds: { maxScorePsi: 0.3 } }, /'thresholds.max_score_psi': score PSI compares probabilities/);
    kinds[CANDIDATE] = "multiclass";
    await refused({}, /m\/2 is a multiclass model and the primary m@champion a regression one/);
    kinds[CANDIDATE] = "regression";
    const r = await service.start(DEPLOYMENT, specInput({ thresholds: { maxRmseIncrease: 0.5 } }));
    assert.equal(r.spec.thresholds.maxRmseIncrease, 0.5);
    await service.abort(DEPLOYMENT);
    // A candidate that cannot load is refused with why; a primary this process cannot load only
    // leaves the kind comparison out.
    delete kinds[CANDIDATE];
    await refused({}, /m\/2 cannot be loaded: no model.json in m\/2/);
    kinds[CANDIDATE] = "binary";
    delete kinds[`${MODEL}@champion`];
    await service.start(DEPLOYMENT, specInput({ thresholds: { aucMargin: 0.05 } }));
  });

  test("thresholds of each kind's own checks are accepted", () => {
    assertThresholdsFitKind({ aucMargin: 0.1, maxScorePsi: 0.3, minLabels: 5 }, "binary", "m/1");
    assertThresholdsFitKind({ maxRmseIncrease: 0.1, minLabels: 5 }, "regression", "m/1");
    assertThresholdsFitKind({ accuracyMargin: 0.1, maxScorePsi: 0.3 }, "multiclass", "m/1");
    assert.throws(
      () => assertThresholdsFitKind({ accuracyMargin: 0.1 }, "binary", "m/1"),
      /accuracy check is for multiclass/,
    );
  });
});
