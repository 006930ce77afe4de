import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultStatTest, STAT_TESTS } from "./registry.js";
import { categoricalSample, numericSample } from "./sample.js";
import type { StatTestName } from "./stat-test.js";

test("Evidently's default choice: reference rows ≤ 1000 vs > 1000, unique values across both sides", () => {
  assert.equal(defaultStatTest("numerical", 1000, 6), "ks");
  assert.equal(defaultStatTest("numerical", 1000, 5), "chisquare");
  assert.equal(defaultStatTest("numerical", 1000, 3), "chisquare");
  assert.equal(defaultStatTest("numerical", 1000, 2), "z");
  assert.equal(defaultStatTest("categorical", 10, 3), "chisquare");
  assert.equal(defaultStatTest("categorical", 10, 2), "z");
  assert.equal(defaultStatTest("numerical", 1001, 5), "jensenshannon");
  assert.equal(defaultStatTest("numerical", 1001, 6), "wasserstein");
  assert.equal(defaultStatTest("categorical", 1001, 2), "jensenshannon");
  assert.equal(defaultStatTest("categorical", 1001, 500), "jensenshannon");
});

test("default thresholds and score kinds, as Evidently registers them", () => {
  const expected: Record<StatTestName, [string, number]> = {
    ks: ["p_value", 0.05],
    chisquare: ["p_value", 0.05],
    z: ["p_value", 0.05],
    wasserstein: ["distance", 0.1],
    jensenshannon: ["distance", 0.1],
    psi: ["distance", 0.1],
    kl_div: ["distance", 0.1],
    linf: ["distance", 0.1],
  };
  for (const [name, [kind, threshold]] of Object.entries(expected)) {
    const t = STAT_TESTS[name as StatTestName];
    assert.equal(t.name, name);
    assert.equal(t.scoreKind, kind);
    assert.equal(t.defaultThreshold, threshold);
  }
});

test("KS drifts at p ≤ threshold, chisquare/z at p < threshold, distances at ≥ threshold", () => {
  const a = numericSample([1, 2, 3]);
  const b = numericSample([4, 5, 6]);
  const ks = STAT_TESTS.ks.run(a, b); // p = 0.1 exactly (SciPy: 0.09999999999999999)
  assert.equal(STAT_TESTS.ks.run(a, b, ks.score).drifted, true);
  const chi = STAT_TESTS.chisquare.run(categoricalSample(["a", "b", "b"]), categoricalSample(["a", "a", "b"]));
  assert.equal(
    STAT_TESTS.chisquare.run(categoricalSample(["a", "b", "b"]), categoricalSample(["a", "a", "b"]), chi.score).drifted,
    false,
  );
  const w = STAT_TESTS.wasserstein.run(a, b);
  assert.equal(w.score, w.statistic);
  assert.equal(STAT_TESTS.wasserstein.run(a, b, w.statistic).drifted, true);
  assert.equal(w.pValue, undefined);
});

test("numerical columns under chisquare/z are compared by value counts; L∞ by category shares", () => {
  const r = STAT_TESTS.z.run(numericSample([0, 0, 1]), numericSample([0, 1, 1]));
  assert.ok(r.pValue! > 0.05 && r.pValue! < 1);
  assert.equal(STAT_TESTS.chisquare.run(numericSample([1, 2, 3]), numericSample([1, 2, 3])).pValue, 1);
  assert.equal(
    STAT_TESTS.linf.run(categoricalSample(["a", "a", "b", "b"]), categoricalSample(["a", "b", "b", "b"])).statistic,
    0.25,
  );
});

test("empty samples and unreadable kinds throw RangeErrors", () => {
  const empty = numericSample([]);
  for (const name of Object.keys(STAT_TESTS) as StatTestName[]) {
    assert.throws(() => STAT_TESTS[name].run(empty, numericSample([1])), /reference sample is empty/);
  }
  assert.throws(() => STAT_TESTS.ks.run(categoricalSample(["a"]), categoricalSample(["b"])), /needs numerical samples/);
});
