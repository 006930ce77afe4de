import assert from "node:assert/strict";
import { test } from "node:test";
import { zTest } from "./z-test.js";

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const counts = (o: Record<string, number>) => new Map(Object.entries(o));

test("both sides holding the same single value give p = 1", () => {
  assert.deepEqual(zTest(counts({ yes: 40 }), counts({ yes: 25 }), byText), { statistic: 0, pValue: 1 });
});

test("pooled two-proportion z with p = 2·(1 − Φ(|z|))", () => {
  // p1 = 30/100 "yes", p2 = 45/100: pooled 0.375, z = −0.15 / √(0.375·0.625·0.02).
  const r = zTest(counts({ no: 70, yes: 30 }), counts({ no: 55, yes: 45 }), byText);
  const z = -0.15 / Math.sqrt(0.375 * 0.625 * 0.02);
  assert.ok(Math.abs(r.statistic - z) < 1e-15);
  assert.ok(Math.abs(r.pValue - 0.02845973691631065) < 1e-15);
});

test("the choice of the first category only flips the sign of z", () => {
  const a = zTest(counts({ no: 70, yes: 30 }), counts({ no: 55, yes: 45 }), byText);
  const b = zTest(counts({ no: 70, yes: 30 }), counts({ no: 55, yes: 45 }), (x, y) => byText(y, x));
  assert.ok(Math.abs(a.pValue - b.pValue) < 1e-15);
  assert.ok(Math.abs(a.statistic + b.statistic) < 1e-14);
});

test("far tails round to exactly 0, as Evidently's 2·(1 − cdf) does; empty sides are refused", () => {
  assert.equal(zTest(counts({ no: 1000 }), counts({ yes: 1000 }), byText).pValue, 0);
  assert.throws(() => zTest(counts({}), counts({ yes: 1 }), byText), RangeError);
});
