/**
 * Issue 21: a schema inferred from one part of a real data set must pass the later clean batches
 * of the same source and fail corrupted copies of them. Eight public data sets (Telco churn with a
 * row-number column, Titanic, penguins, breast cancer, wine, diabetes, digits, chess endgames),
 * contiguous and random splits, 200-row batches, three seeds. Corrupted copies: nulls injected, a
 * few values out of range, a column shifted, an unseen category, text in numbers, two columns
 * swapped (unless they look alike), a column dropped. `bench/validation/false-alarms.ts` prints
 * the same tables for more seeds.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CORRUPTION_KINDS } from "./test-support/corruptions.js";
import { formatStudy, runStudy, studyTotal } from "./test-support/false-alarm-study.js";
import { realDatasets } from "./test-support/real-datasets.js";

describe("inferred schemas on real data", () => {
  test("clean later batches pass, corrupted ones fail", async () => {
    const rows = await runStudy(realDatasets(), [1, 2, 3]);
    console.log(`\n${formatStudy(rows)}\n`);
    const total = studyTotal(rows);
    for (const r of rows) assert.ok(r.cleanBatches >= 3, `${r.dataset}: ${r.cleanBatches} clean batches`);
    assert.ok(total.cleanBatches >= 150, String(total.cleanBatches));
    const alarms = rows.flatMap((r) => r.alarms.map((a) => `${r.dataset} ${a}`));
    assert.equal(total.falseAlarms, 0, `false alarms:\n${alarms.join("\n")}`);
    const missed = rows.flatMap((r) => r.missed.map((m) => `${r.dataset} ${m}`));
    for (const kind of CORRUPTION_KINDS) {
      const { total: n, detected } = total.corrupted[kind];
      assert.ok(n >= 100, `${kind}: only ${n} corrupted batches`);
      assert.equal(detected, n, `${kind}: ${n - detected} of ${n} corrupted batches passed:\n${missed.join("\n")}`);
    }
  });
});
