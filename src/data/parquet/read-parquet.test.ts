import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { parquetWriteBuffer } from "hyparquet-writer";
import { readTable, readTableFromBuffer } from "../read-table.js";
import { col, rejectsWithInput, tempDir, values } from "../test-support/fixtures.js";

const tmp = tempDir();
after(() => tmp.cleanup());

function fixture(): ArrayBuffer {
  return parquetWriteBuffer({
    columnData: [
      { name: "id", data: new Int32Array([1, 2, 3]), type: "INT32" },
      { name: "amount", data: [1.5, null, 3.25], type: "DOUBLE", nullable: true },
      { name: "plan", data: ["basic", "pro", "basic"], type: "STRING" },
      { name: "active", data: [true, false, true], type: "BOOLEAN" },
      { name: "big", data: [10n, 20n, 30n], type: "INT64" },
    ],
  });
}

describe("readTable on Parquet", () => {
  it("round-trips a file written by hyparquet-writer", async () => {
    const path = tmp.write("fixture.parquet", new Uint8Array(fixture()));
    const t = await readTable(path);
    assert.equal(t.numRows, 3);
    assert.deepEqual(t.columnNames, ["id", "amount", "plan", "active", "big"]);
    assert.equal(col(t, "id").type, "int");
    assert.deepEqual(values(t, "id"), [1, 2, 3]);
    assert.equal(col(t, "amount").type, "float");
    assert.deepEqual(values(t, "amount"), [1.5, null, 3.25]);
    assert.equal(col(t, "plan").type, "string");
    assert.deepEqual(values(t, "plan"), ["basic", "pro", "basic"]);
    assert.deepEqual(values(t, "active"), [true, false, true]);
    assert.deepEqual(values(t, "big"), [10, 20, 30]);
  });

  it("detects Parquet by content and applies declared types", async () => {
    const path = tmp.write("no-extension", new Uint8Array(fixture()));
    const t = await readTable(path, { types: { id: "string", big: "float" } });
    assert.equal(col(t, "id").type, "string");
    assert.deepEqual(values(t, "id"), ["1", "2", "3"]);
    assert.equal(col(t, "big").type, "float");
    const fromBuffer = await readTableFromBuffer(new Uint8Array(fixture()));
    assert.equal(fromBuffer.numRows, 3);
  });

  it("rejects corrupt and non-Parquet bytes with a clear error", async () => {
    const bytes = new Uint8Array(fixture());
    const truncated = tmp.write("truncated.parquet", bytes.subarray(0, bytes.length - 20));
    await rejectsWithInput(() => readTable(truncated), "truncated.parquet", "Parquet");
    const broken = Uint8Array.from(bytes);
    broken.fill(7, 4, Math.min(60, broken.length - 30));
    await rejectsWithInput(() => readTable(tmp.write("broken.parquet", broken)), "broken.parquet");
    await rejectsWithInput(
      () => readTable(tmp.write("text.parquet", "a,b\n1,2\n")),
      "text.parquet",
      "not a Parquet file",
    );
    await rejectsWithInput(() => readTable(path("fixture.parquet"), { types: { nope: "int" } }), "nope");
  });
});

function path(name: string): string {
  return `${tmp.dir}/${name}`;
}
