import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { tableFromColumns } from "../../data/test-support/build-table.js";
import type { DriftReference } from "./drift-reference.js";
import { prepareReference, referenceFromJson, referenceToJson } from "./drift-reference.js";

const table = tableFromColumns(
  {
    x: [3, 1, null, 2, 2, Number.POSITIVE_INFINITY],
    s: ["a", "b", "a", null, "c", "a"],
    b: [true, false, true, null, true, true],
    t: [new Date(0), new Date(1), null, new Date(2), new Date(3), new Date(4)],
  },
  { x: "float" },
);

describe("prepareReference", () => {
  test("per column: kind, sorted finite values, counts, nulls, extremes; timestamps skipped with a reason", () => {
    const ref = prepareReference(table);
    assert.equal(ref.rows, 6);
    assert.equal(ref.sampleRows, undefined);
    const [x, s, b, t] = ref.columns;
    assert.deepEqual(
      { kind: x?.kind, nulls: x?.nulls, min: x?.min, max: x?.max, sorted: [...(x?.sorted ?? [])] },
      { kind: "numerical", nulls: 1, min: 1, max: 3, sorted: [1, 2, 2, 3] },
    );
    assert.deepEqual(
      [s?.kind, s?.nulls, Object.fromEntries(s?.counts ?? [])],
      ["categorical", 1, { a: 3, b: 1, c: 1 }],
    );
    assert.deepEqual([b?.kind, Object.fromEntries(b?.counts ?? [])], ["categorical", { false: 1, true: 4 }]);
    assert.equal(t?.kind, null);
    assert.match(t?.skipped ?? "", /timestamp/);
  });

  test("maxSample keeps a seeded sample of rows; counts of nulls and extremes stay those of every row", () => {
    const n = 10_000;
    const big = tableFromColumns({
      v: Array.from({ length: n }, (_, i) => (i % 10 === 0 ? null : i)),
      c: Array.from({ length: n }, (_, i) => `k${i % 7}`),
    });
    const a = prepareReference(big, { maxSample: 500, seed: 7 });
    const again = prepareReference(big, { maxSample: 500, seed: 7 });
    const other = prepareReference(big, { maxSample: 500, seed: 8 });
    assert.equal(a.sampleRows, 500);
    const v = a.columns[0];
    assert.ok((v?.sorted?.length ?? 0) <= 500 && (v?.sorted?.length ?? 0) > 400);
    assert.deepEqual([v?.rows, v?.nulls, v?.min, v?.max], [n, 1000, 1, n - 1]);
    const total = [...(a.columns[1]?.counts?.values() ?? [])].reduce((x, y) => x + y, 0);
    assert.equal(total, 500);
    assert.deepEqual(referenceToJson(a), referenceToJson(again), "same seed, same sample");
    assert.notDeepEqual(referenceToJson(a), referenceToJson(other));
    assert.equal(prepareReference(big, { maxSample: n }).sampleRows, undefined, "no sample when every row fits");
  });
});

describe("referenceToJson / referenceFromJson", () => {
  test("round trip through JSON text, repeated values run-length encoded", () => {
    const ref = prepareReference(table);
    const doc = referenceToJson(ref);
    const x = doc.columns[0];
    assert.deepEqual(
      [x?.values, x?.repeats],
      [
        [1, 2, 3],
        [1, 2, 1],
      ],
    );
    assert.deepEqual(doc.columns[1]?.categories, ["a", "b", "c"]);
    const back: DriftReference = referenceFromJson(JSON.parse(JSON.stringify(doc)));
    assert.deepEqual(back, ref);
  });

  test("a damaged document is an error naming the field", () => {
    const doc = referenceToJson(prepareReference(table));
    const bad = (patch: (d: ReturnType<typeof structuredClone<typeof doc>>) => void, field: RegExp) => {
      const d = structuredClone(doc);
      patch(d);
      assert.throws(() => referenceFromJson(d), field);
    };
    bad((d) => Object.assign(d, { format: "x" }), /format/);
    bad((d) => Object.assign(d.columns[0] ?? {}, { values: [1, "a"] }), /columns\[0\]\.values\[1\]/);
    bad((d) => Object.assign(d.columns[0] ?? {}, { values: [2, 1, 3] }), /ascending/);
    bad((d) => Object.assign(d.columns[1] ?? {}, { counts: [1] }), /columns\[1\]\.counts/);
    bad((d) => Object.assign(d.columns[2] ?? {}, { type: "date" }), /columns\[2\]\.type/);
    assert.throws(() => referenceFromJson(null), /expected an object/);
  });
});
