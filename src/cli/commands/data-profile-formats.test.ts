import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { CompressionCodec } from "hyparquet";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTable } from "../../data/read-table.js";
import type { Column, Table } from "../../data/table.js";
import { parquetColumn } from "../../data/write/parquet-columns.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";

/** `table` as Parquet written the way `predict` writes it, in row groups of `rowGroup` rows. */
async function toParquet(table: Table, codec: CompressionCodec, rowGroup: number): Promise<Uint8Array> {
  const columns = table.columns.map((c) => parquetColumn(c));
  const bytes = new ByteWriter();
  const writer = new ParquetWriter({
    writer: bytes,
    schema: [{ name: "root", num_children: columns.length }, ...columns.map((c) => c.element)],
    codec,
  });
  for (let start = 0; start < table.numRows; start += rowGroup) {
    const part = table.slice(start, start + rowGroup);
    await writer.write({
      columnData: columns.map((c, i) => ({ name: c.element.name, data: c.values(part.columns[i] as Column) as never })),
      rowGroupSize: part.numRows,
    });
  }
  await writer.finish();
  return bytes.getBytes().slice();
}

describe("data profile: the same profile from CSV and from Parquet", () => {
  let home: string;
  before(() => {
    home = mkdtempSync(join(tmpdir(), "mw-profile-formats-"));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  const profile = async (path: string) => {
    const io = captureIo(home);
    const code = await main(["data", "profile", path, "--json"], io);
    assert.equal(code, 0, io.stderr.join("\n"));
    return JSON.parse(io.stdout.join("\n"));
  };

  test("the Telco data as CSV, snappy Parquet and uncompressed Parquet in several row groups", async () => {
    const table = await readTable(TELCO_CSV);
    const fromCsv = await profile(TELCO_CSV);
    assert.equal(fromCsv.num_rows, 7043);
    assert.equal(fromCsv.num_columns, 21);
    for (const codec of ["SNAPPY", "UNCOMPRESSED"] as const) {
      const path = join(home, `telco-${codec.toLowerCase()}.parquet`);
      writeFileSync(path, await toParquet(table, codec, 2048));
      assert.deepEqual(await profile(path), fromCsv, codec);
    }
  });
});
