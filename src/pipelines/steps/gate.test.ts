import assert from "node:assert/strict";
import { test } from "node:test";
import { MwError } from "../../core/errors.js";
import { seededRandom } from "../../core/random.js";
import { evaluateBinary } from "../../learn/metrics/index.js";
import { decideGate } from "./gate.js";
import { pairedBootstrap, quantile } from "./gate-bootstrap.js";
import type { GateMetric } from "./gate-metrics.js";
import { weightedMetric } from "./gate-metrics.js";

/** Labels and two models' scores: `strong` separates the classes better than `weak`. */
function synthetic(n: number, seed = 7) {
  const r = seededRandom(seed);
  const labels = new Float64Array(n);
  const strong = new Float64Array(n);
  const weak = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const y = r() < 0.3 ? 1 : 0;
    labels[i] = y;
    strong[i] = clamp(0.5 + (y ? 0.25 : -0.25) + (r() - 0.5) * 0.6);
    weak[i] = clamp(0.5 + (y ? 0.08 : -0.08) + (r() - 0.5) * 0.6);
  }
  return { labels, strong, weak };
}

function clamp(x: number): number {
  return Math.min(0.99, Math.max(0.01, x));
}

test("unweighted gate metrics equal src/learn/metrics (sklearn-checked) on ties and all", () => {
  const { labels, strong } = synthetic(500);
  // Rounding makes ties, which must count as one curve point.
  const scores = strong.map((s) => Math.round(s * 20) / 20);
  const ev = evaluateBinary(labels, scores);
  const metric = (m: GateMetric) => weightedMetric(m, "binary", labels, scores)() as number;
  assert.ok(Math.abs(metric("roc_auc") - (ev.roc_auc as number)) < 1e-12);
  assert.ok(Math.abs(metric("pr_auc") - (ev.pr_auc as number)) < 1e-12);
  assert.ok(Math.abs(metric("log_loss") - ev.log_loss) < 1e-12);
  assert.ok(Math.abs(metric("brier") - ev.brier) < 1e-12);
});

test("integer weights are the same as repeating rows", () => {
  const { labels, strong } = synthetic(200, 3);
  const weights = Uint32Array.from({ length: 200 }, (_, i) => i % 3);
  const repLabels: number[] = [];
  const repScores: number[] = [];
  for (let i = 0; i < 200; i++) {
    for (let k = 0; k < (weights[i] as number); k++) {
      repLabels.push(labels[i] as number);
      repScores.push(strong[i] as number);
    }
  }
  const ev = evaluateBinary(repLabels, repScores);
  for (const [m, want] of [
    ["roc_auc", ev.roc_auc],
    ["pr_auc", ev.pr_auc],
    ["log_loss", ev.log_loss],
  ] as const) {
    const weighted = weightedMetric(m, "binary", labels, strong)(weights) as number;
    assert.ok(Math.abs(weighted - (want as number)) < 1e-12, m);
  }
});

test("no champion: promote when the floor is reached, reject below it", () => {
  const { labels, strong } = synthetic(400);
  const ok = decideGate({ labels, challenger: strong, floor: 0.7 });
  assert.equal(ok.promote, true);
  assert.match(ok.reason, /no champion/);
  assert.equal(ok.evidence.has_champion, false);
  assert.equal(ok.evidence.metrics.roc_auc?.champion, null);
  const low = decideGate({ labels, challenger: strong, floor: 0.999 });
  assert.equal(low.promote, false);
  assert.match(low.reason, /below the floor 0.999/);
});

test("a clearly better challenger is promoted with a CI above 0; the reverse is rejected", () => {
  const { labels, strong, weak } = synthetic(1000);
  const bootstrap = { samples: 300, confidence: 0.95, seed: 42 };
  const up = decideGate({ labels, challenger: strong, champion: weak, minImprovement: 0.01, bootstrap });
  assert.equal(up.promote, true, up.reason);
  const ci = up.evidence.ci;
  assert.ok(ci && ci.lower > 0 && ci.upper >= ci.lower && ci.valid_samples === 300);
  const e = up.evidence.metrics.roc_auc;
  assert.ok(e && e.difference !== null && Math.abs(e.difference - ((e.challenger ?? 0) - (e.champion ?? 0))) < 1e-15);
  const down = decideGate({ labels, challenger: weak, champion: strong, bootstrap });
  assert.equal(down.promote, false);
  assert.match(down.reason, /improvement -0\.\d+ is below the minimum 0/);
});

test("the bootstrap is deterministic for a seed and blocks an insignificant gain", () => {
  const { labels, strong } = synthetic(300);
  const r = seededRandom(5);
  // The same model with a little noise: a tiny, insignificant difference either way.
  const noisy = strong.map((s) => clamp(s + (r() - 0.5) * 0.02));
  const input = {
    labels,
    challenger: noisy,
    champion: strong,
    minImprovement: -1,
    bootstrap: { samples: 200, confidence: 0.95, seed: 9 },
  };
  const a = decideGate(input);
  const b = decideGate(input);
  assert.deepEqual(a, b);
  assert.equal(a.promote, false);
  assert.equal(a.evidence.checks.significance, false);
  assert.match(a.reason, /0.95 CI of the improvement \[-?\d/);
  const c = decideGate({ ...input, bootstrap: { ...input.bootstrap, seed: 10 } });
  assert.notDeepEqual(c.evidence.ci, a.evidence.ci);
});

test("log_loss: lower is better, so improvement is champion − challenger", () => {
  const { labels, strong, weak } = synthetic(800);
  const d = decideGate({ labels, challenger: strong, champion: weak, metric: "log_loss", floor: 0.6 });
  const e = d.evidence.metrics.log_loss;
  assert.ok(e?.lower_is_better && (e.challenger as number) < (e.champion as number));
  assert.ok(e && (e.improvement as number) > 0 && (e.difference as number) < 0);
  assert.equal(d.promote, true, d.reason);
  const floor = decideGate({ labels, challenger: strong, metric: "log_loss", floor: 0.01 });
  assert.equal(floor.promote, false);
  assert.match(floor.reason, /above the floor/);
  const loss = (scores: Float64Array) => weightedMetric("log_loss", "binary", labels, scores);
  const ci = pairedBootstrap("log_loss", labels.length, loss(strong), loss(weak), {
    samples: 100,
    confidence: 0.9,
    seed: 1,
  });
  assert.ok(ci && ci.lower > 0);
});

test("guardrails: a regression beyond its allowance rejects, within it passes", () => {
  const { labels, strong, weak } = synthetic(800);
  // Miscalibrated scores: the same ranking (AUC unchanged) but far worse log loss.
  const sharp = strong.map((s) => 0.9 + 0.09 * s);
  const base = { labels, challenger: sharp, champion: weak, metric: "roc_auc" as const };
  const strict = decideGate({ ...base, guardrails: { log_loss: 0.05 } });
  assert.equal(strict.promote, false);
  assert.equal(strict.evidence.guardrails[0]?.passed, false);
  assert.match(strict.reason, /guardrail log_loss regressed by/);
  const loose = decideGate({ ...base, guardrails: { log_loss: 100 } });
  assert.equal(loose.promote, true, loose.reason);
  assert.equal(loose.evidence.checks.guardrails, true);
});

test("bad input is an invalidParam naming the problem", () => {
  const labels = [0, 1, 1];
  const bad = (input: Parameters<typeof decideGate>[0], re: RegExp) =>
    assert.throws(
      () => decideGate(input),
      (e) => e instanceof MwError && re.test(e.message),
    );
  bad({ labels, challenger: [0.1, 0.2] }, /challenger has 2 scores for 3/);
  bad({ labels, challenger: [0.1, 0.2, 1.5] }, /challenger\[2\]/);
  bad({ labels: [0, 2, 1], challenger: [0.1, 0.2, 0.3] }, /labels\[1\]/);
  bad({ labels: [1, 1, 1], challenger: [0.1, 0.2, 0.3] }, /both classes/);
  bad({ labels, challenger: [0.1, 0.2, 0.3], bootstrap: { samples: 0, confidence: 0.9 } }, /bootstrap.samples/);
  bad({ labels, challenger: [0.1, 0.2, 0.3], bootstrap: { samples: 10, confidence: 1 } }, /bootstrap.confidence/);
  bad({ labels, challenger: [0.1, 0.2, 0.3], guardrails: { log_loss: -1 } }, /guardrail 'log_loss'/);
  bad({ labels, challenger: [0.1, 0.2, 0.3], metric: "rmse" }, /rmse does not apply to a binary model/);
  bad({ labels, challenger: [0.1, 0.2, 0.3], guardrails: { accuracy: 0.1 } }, /guardrails.accuracy/);
});

test("quantile interpolates like numpy", () => {
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantile([1, 2, 3, 4], 0), 1);
  assert.equal(quantile([1, 2, 3, 4], 1), 4);
});
