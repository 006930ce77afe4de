import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isMwError } from "../../core/errors.js";
import { stratifiedSplit } from "./split.js";

const labels = Array.from({ length: 1000 }, (_, i) => (i % 4 === 0 ? 1 : 0));

describe("stratifiedSplit", () => {
  it("keeps each class's share and covers every row exactly once", () => {
    const { train, test } = stratifiedSplit(labels, 0.2, 7);
    assert.equal(test.length, 200);
    assert.equal(Array.from(test).filter((i) => labels[i] === 1).length, 50);
    const all = [...train, ...test].sort((a, b) => a - b);
    assert.deepEqual(all, Array.from(labels.keys()));
  });

  it("is deterministic per seed and differs across seeds", () => {
    assert.deepEqual(stratifiedSplit(labels, 0.2, 7), stratifiedSplit(labels, 0.2, 7));
    assert.notDeepEqual(stratifiedSplit(labels, 0.2, 7).test, stratifiedSplit(labels, 0.2, 8).test);
  });

  it("validates its parameters", () => {
    for (const f of [0, 1, -0.5, Number.NaN])
      assert.throws(
        () => stratifiedSplit(labels, f, 1),
        (e) => isMwError(e) && e.message.includes("testFraction"),
      );
    assert.throws(
      () => stratifiedSplit(labels, 0.2, 1.5),
      (e) => isMwError(e) && e.message.includes("seed"),
    );
  });
});
