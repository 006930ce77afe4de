import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Column } from "../../data/table.js";
import { isNull, valueAt } from "../../data/table.js";
import { tableFromColumns } from "../../data/test-support/build-table.js";
import { gatherColumns } from "./gather-column.js";
import type { Matches } from "./point-in-time-join.js";

const source = tableFromColumns(
  {
    f: [1.5, null, 3.5, 4.5],
    i: [10, 20, 30, 40],
    s: ["a", null, "c", "d"],
    b: [true, null, false, true],
    plain: ["w", "x", "y", "z"],
  },
  { i: "int" },
);

const cells = (c: Column) => Array.from({ length: c.length }, (_, i) => (isNull(c, i) ? null : valueAt(c, i)));

describe("gatherColumns", () => {
  test("one value per entity row: unmatched rows, rows without a time and missing source values are null", () => {
    // Entity rows 0..5 in time order 4, 0, 2, 5 (rows 1 and 3 have no time); matched source rows 3, 1, -1, 0.
    const m: Matches = {
      entityRows: Int32Array.from([4, 0, 2, 5]),
      sourceRows: Int32Array.from([3, 1, -1, 0]),
      numRows: 6,
    };
    const out = gatherColumns(
      ["f", "i", "s", "b", "plain"].map((name) => ({
        source: source.column(name) as Column,
        name: `v__${name}`,
        type: name === "i" ? "float" : (source.column(name) as Column).type,
      })),
      m,
    );
    assert.deepEqual(
      out.map((c) => [c.name, c.type]),
      [
        ["v__f", "float"],
        ["v__i", "float"],
        ["v__s", "string"],
        ["v__b", "bool"],
        ["v__plain", "string"],
      ],
    );
    assert.deepEqual(out.map(cells), [
      [null, null, null, null, 4.5, 1.5],
      [20, null, null, null, 40, 10],
      [null, null, null, null, "d", "a"],
      [null, null, null, null, true, true],
      ["x", null, null, null, "z", "w"],
    ]);
  });

  test("every row matched and no missing values: no null mask at all", () => {
    const m: Matches = { entityRows: Int32Array.from([1, 0]), sourceRows: Int32Array.from([2, 3]), numRows: 2 };
    const [c] = gatherColumns([{ source: source.column("plain") as Column, name: "p", type: "string" }], m);
    assert.equal(c?.nulls, undefined);
    assert.deepEqual(cells(c as Column), ["z", "y"]);
  });
});
