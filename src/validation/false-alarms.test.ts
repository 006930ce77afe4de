/**
 * Issue 21: a schema inferred from one part of a real data set must pass the later clean batches
 * of the same source and fail corrupted copies of them. Public data sets (Telco churn with a
 * row-number column, breast cancer, wine, diabetes, digits; Titanic, penguins and chess endgames
 * when the shared data folder holds them),
 * contiguous and random splits, 200-row batches, three seeds. Corrupted copies: nulls injected, a
 * few values out of range, a column shifted, an unseen category, text in numbers, two columns
 * swapped (unless they look alike), a column dropped. `bench/validation/false-alarms.ts` prints
 * the same tables for more seeds.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { inferSchema } from "./infer-schema.js";
import type { RowCountCheck } from "./schema.js";
import { CORRUPTION_KINDS } from "./test-support/corruptions.js";
import { formatStudy, type Infer, runStudy, studyTotal } from "./test-support/false-alarm-study.js";
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

  test("the study sees the alarms of issue 21's inference (error-level row-count bounds, ranges on row numbers)", async () => {
    const strict: Infer = (table, profile, options) => {
      const schema = inferSchema(table, profile, { ...options, rowCountFactors: [0.5, 2] });
      const rows = schema.row_count as RowCountCheck;
      const columns = schema.columns.map((c) =>
        c.name === "RowNumber" ? { ...c, range: { min: 1, max: rows.max } } : c,
      );
      return { ...schema, columns, row_count: { min: rows.min, max: rows.max } };
    };
    const telco = realDatasets().filter((d) => d.name === "telco-churn");
    const [row] = await runStudy(telco, [1], {}, strict);
    assert.equal(row?.falseAlarms, row?.cleanBatches);
    assert.ok(
      row?.alarms.some((a) => a.endsWith("table row_count (200)")),
      row?.alarms.join("\n"),
    );
    assert.ok(
      row?.alarms.some((a) => /RowNumber range/.test(a)),
      row?.alarms.join("\n"),
    );
  });
});
