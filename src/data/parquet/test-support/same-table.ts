/** Assert two Tables are the same: names, types, null masks, values (NaN equal to NaN), codes and dictionaries. */
import assert from "node:assert/strict";
import type { Column, Table } from "../../table.js";

/** Fail with the first difference between `actual` and `expected`, naming the column and row. */
export function assertSameTable(actual: Table, expected: Table, label = ""): void {
  const where = label ? `${label}: ` : "";
  assert.deepEqual(actual.columnNames, expected.columnNames, `${where}column names`);
  assert.equal(actual.numRows, expected.numRows, `${where}row count`);
  actual.columns.forEach((a, i) => {
    assertSameColumn(a, expected.columns[i] as Column, `${where}column '${a.name}'`);
  });
}

function assertSameColumn(a: Column, e: Column, where: string): void {
  assert.equal(a.type, e.type, `${where}: type`);
  assert.equal(a.nulls === undefined, e.nulls === undefined, `${where}: null mask present`);
  if (a.nulls && e.nulls) assertSameArray(a.nulls, e.nulls, `${where}: nulls`);
  if (a.type === "string" && e.type === "string") {
    assert.deepEqual(a.dictionary, e.dictionary, `${where}: dictionary`);
    assertSameArray(a.codes, e.codes, `${where}: codes`);
  } else if (a.type !== "string" && e.type !== "string") {
    assertSameArray(a.values, e.values, `${where}: values`);
  }
}

function assertSameArray(a: ArrayLike<number>, e: ArrayLike<number>, where: string): void {
  assert.equal(a.length, e.length, `${where}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], e[i])) assert.fail(`${where}: row ${i} is ${a[i]}, expected ${e[i]}`);
  }
}
