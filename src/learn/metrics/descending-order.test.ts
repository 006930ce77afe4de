import assert from "node:assert/strict";
import { test } from "node:test";
import { seededRandom } from "../../core/random.js";
import { descendingOrder } from "./descending-order.js";

/** The order the radix sort must reproduce exactly. */
const reference = (scores: ArrayLike<number>) =>
  Uint32Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => (scores[b] as number) - (scores[a] as number) || a - b,
  );

test("equals the stable comparator order: random, tied, negative, signed-zero and extreme scores", () => {
  const random = seededRandom(7);
  const cases: Record<string, number[]> = {
    uniform: Array.from({ length: 5000 }, () => random()),
    ties: Array.from({ length: 5000 }, () => Math.floor(random() * 20) / 20),
    signed: Array.from({ length: 5000 }, () => (random() - 0.5) * 1e6),
    zeros: Array.from({ length: 3000 }, (_, i) => [0, -0, 1e-300, -1e-300, 0.5][i % 5] as number),
    extremes: Array.from(
      { length: 2000 },
      (_, i) => [Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 1, -1][i % 5] as number,
    ),
    constant: Array.from({ length: 2000 }, () => 0.25),
  };
  for (const [name, scores] of Object.entries(cases)) {
    assert.deepEqual(descendingOrder(scores), reference(scores), name);
    assert.deepEqual(descendingOrder(Float64Array.from(scores)), reference(scores), `${name} (Float64Array)`);
  }
});

test("short arrays and non-finite scores take the comparator order", () => {
  assert.deepEqual([...descendingOrder([0.2, 0.9, 0.2, 0.5])], [1, 3, 0, 2]);
  assert.deepEqual([...descendingOrder([])], []);
  const withInfinity = Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? Number.POSITIVE_INFINITY : i % 11));
  assert.deepEqual(descendingOrder(withInfinity), reference(withInfinity));
});
