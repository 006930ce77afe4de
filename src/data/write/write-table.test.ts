import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
import { describe, test } from "node:test";
import { readTableFromBuffer } from "../read-table.js";
import type { Table } from "../table.js";
import { valueAt } from "../table.js";
import { tableFromColumns } from "../test-support/build-table.js";
import type { OutputFormat } from "./write-table.js";
import { outputFormatOf, writeTable } from "./write-table.js";

async function bytesOf(table: Table, format: OutputFormat, chunkRows: number): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  await writeTable(out, table, format, chunkRows);
  out.end();
  return Buffer.concat(chunks);
}

function rows(t: Table) {
  return Array.from({ length: t.numRows }, (_, i) => t.columns.map((c) => [c.name, c.type, valueAt(c, i)]));
}

describe("writeTable", () => {
  const table = tableFromColumns({
    id: [1, 2, null, 4],
    score: [0.5, null, 2.25, -1],
    name: ["a", 'say "hi", ok', null, "d"],
    flag: [true, false, null, true],
    at: [new Date(Date.UTC(2024, 0, 1)), null, new Date(Date.UTC(2024, 1, 2, 3, 4, 5)), new Date(0)],
  });

  for (const format of ["csv", "parquet"] as const) {
    test(`${format} reads back with the same types and values, nulls kept, across chunks`, async () => {
      const back = await readTableFromBuffer(await bytesOf(table, format, 3), {
        format,
        types: { flag: "bool" },
      });
      assert.deepEqual(rows(back), rows(table));
    });
  }

  test("an empty table is a header (CSV) or a valid file (Parquet); formats by extension", async () => {
    const empty = table.slice(0, 0);
    assert.equal((await bytesOf(empty, "csv", 10)).toString(), "id,score,name,flag,at\n");
    assert.equal((await readTableFromBuffer(await bytesOf(empty, "parquet", 10))).numRows, 0);
    assert.deepEqual(["x.parquet", "x.PQ", "x.csv", "x"].map(outputFormatOf), ["parquet", "parquet", "csv", "csv"]);
  });
});
