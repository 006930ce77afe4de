import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { CompressionCodec } from "hyparquet";
import { parquetWriteBuffer } from "hyparquet-writer";
import type { Table } from "../table.js";
import { valueAt } from "../table.js";
import { rejectsWithInput, tempDir } from "../test-support/fixtures.js";
import { bufferSource } from "./byte-source.js";
import { readParquetWithHyparquet } from "./hyparquet-reader.js";
import { openParquetFile, ParquetReader, readParquetBuffer, readParquetFile } from "./read-parquet.js";
import type { GeneratedFile } from "./test-support/generated.js";
import { writeGenerated } from "./test-support/generated.js";
import { editFooter, toDataPageV1 } from "./test-support/rewrite-parquet.js";
import { assertSameTable } from "./test-support/same-table.js";

const tmp = tempDir("mw-parquet-");
after(() => tmp.cleanup());

/** Read with the fast reader, asserting no chunk went to hyparquet. */
async function readFast(bytes: Uint8Array): Promise<Table> {
  const reader = await ParquetReader.open(bufferSource(bytes));
  const table = await reader.readAll();
  assert.equal(reader.chunks.hyparquet, 0, "every chunk read by the fast decoder");
  if (table.numRows > 0) assert.ok(reader.chunks.fast > 0);
  return table;
}

function rowsOf(t: Table, from = 0, to = t.numRows): unknown[][] {
  const rows: unknown[][] = [];
  for (let i = from; i < to; i++) rows.push(t.columns.map((c) => valueAt(c, i)));
  return rows;
}

describe("ParquetReader on generated files (against the hyparquet reader)", () => {
  const codecs: CompressionCodec[] = ["UNCOMPRESSED", "SNAPPY", "GZIP"];
  const cases: GeneratedFile[] = [];
  for (let seed = 1; seed <= 6; seed++) {
    cases.push({
      seed,
      rows: [1, 97, 2500, 4000][seed % 4] as number,
      codec: codecs[seed % 3] as CompressionCodec,
      rowGroupSize: [64, 1000, 100_000][seed % 3] as number,
      pageSize: [300, 4096, 1 << 20][(seed >> 1) % 3] as number,
      plain: seed % 2 === 0,
    });
  }
  cases.push({ seed: 7, rows: 0, codec: "SNAPPY", rowGroupSize: 10, pageSize: 1000, plain: false });

  for (const f of cases) {
    const label = `seed ${f.seed}, ${f.rows} rows, ${f.codec}, groups of ${f.rowGroupSize}, pages ~${f.pageSize} B, ${f.plain ? "PLAIN" : "dictionaries"}`;
    it(`every column equal, data pages v2 and v1: ${label}`, async () => {
      const v2 = await writeGenerated(f);
      const expected = await readParquetWithHyparquet(v2);
      assert.equal(expected.numRows, f.rows);
      assertSameTable(await readFast(v2), expected, "v2");
      const v1 = toDataPageV1(v2);
      assertSameTable(await readFast(v1), await readParquetWithHyparquet(v1), "v1");
      assertSameTable(await readFast(v1), expected, "v1 against v2");
    });
  }

  it("reads a file by row group: each group a Table of its own rows, in order", async () => {
    const bytes = await writeGenerated({
      seed: 11,
      rows: 2300,
      codec: "SNAPPY",
      rowGroupSize: 1000,
      pageSize: 2048,
      plain: false,
    });
    const path = tmp.write("groups.parquet", bytes);
    const whole = await readParquetFile(path);
    const reader = await openParquetFile(path);
    try {
      assert.deepEqual(reader.rowGroupSizes, [1000, 1000, 300]);
      assert.equal(reader.rowGroupCount, 3);
      assert.equal(reader.columnNames.length, whole.columns.length);
      let start = 0;
      for await (const group of reader.rowGroups()) {
        assert.deepEqual(rowsOf(group), rowsOf(whole, start, start + group.numRows), `rows from ${start}`);
        start += group.numRows;
      }
      assert.equal(start, 2300);
    } finally {
      await reader.close();
    }
  });

  it("declared types: numbers between int, float and timestamp stay on the fast path; others convert like before", async () => {
    const bytes = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: "whole", data: [1, 2, null], type: "DOUBLE", nullable: true },
          { name: "count", data: new Int32Array([5, 6, 7]), type: "INT32" },
          { name: "label", data: ["1", "0", "1"], type: "STRING" },
          { name: "half", data: [1, 2.5, 3], type: "DOUBLE" },
        ],
      }),
    );
    const types = { whole: "int", count: "timestamp", label: "int" } as const;
    const fast = await readParquetBuffer(bytes, { types });
    assertSameTable(fast, await readParquetWithHyparquet(bytes, { types }));
    assert.equal(fast.column("whole")?.type, "int");
    assert.equal(fast.column("label")?.type, "int");
    await rejectsWithInput(
      () => readParquetBuffer(bytes, { types: { half: "int" }, source: "half.parquet" }),
      "half.parquet",
      "row 2",
      "'half'",
      "not an integer",
    );
  });
});

describe("ParquetReader errors", () => {
  const base = async () =>
    writeGenerated({ seed: 3, rows: 50, codec: "SNAPPY", rowGroupSize: 50, pageSize: 4096, plain: false });

  it("names the column and the codec it cannot read", async () => {
    const lzo = editFooter(await base(), (m) => {
      const meta = m.row_groups[0]?.columns[2]?.meta_data;
      if (meta) meta.codec = "LZO";
    });
    await rejectsWithInput(
      () => readParquetBuffer(lzo, { source: "lzo.parquet" }),
      "lzo.parquet",
      "column 'c2_int32'",
      "LZO",
    );
  });

  it("names the column whose data lives in another file", async () => {
    const external = editFooter(await base(), (m) => {
      const chunk = m.row_groups[0]?.columns[0];
      if (chunk) chunk.file_path = "part-0.parquet";
    });
    await rejectsWithInput(() => readParquetBuffer(external), "column 'c0_int32'", "another file");
  });

  it("names the column of a corrupt page instead of crashing", async () => {
    const bytes = await base();
    const broken = editFooter(bytes, (m) => {
      const meta = m.row_groups[0]?.columns[5]?.meta_data;
      if (meta) meta.total_compressed_size = 3n;
    });
    await rejectsWithInput(
      () => readParquetBuffer(broken, { source: "b.parquet" }),
      "b.parquet",
      "column 'c5_int64'",
      "cannot decode",
    );
    // Every byte of a page body flipped in turn: always a clear error or a table, never a crash.
    const damaged = Uint8Array.from(bytes);
    for (let i = 4; i < 400; i += 7) damaged[i] = (damaged[i] as number) ^ 0x5a;
    await readParquetBuffer(damaged).then(
      (t) => assert.equal(t.numRows, 50),
      (e) => assert.match(String(e.message), /cannot decode|is not|corrupt/),
    );
  });

  it("refuses encrypted, nested, truncated and non-Parquet files with a clear error", async () => {
    const bytes = await base();
    const encrypted = Uint8Array.from(bytes);
    encrypted.set([0x50, 0x41, 0x52, 0x45], encrypted.length - 4);
    await rejectsWithInput(() => readParquetBuffer(encrypted), "encrypted");
    const nested = new Uint8Array(
      parquetWriteBuffer({
        columnData: [{ name: "point", data: [{ x: 1 }, { x: 2 }] }],
        schema: [
          { name: "root", num_children: 1 },
          { name: "point", repetition_type: "REQUIRED", num_children: 1 },
          { name: "x", type: "INT32", repetition_type: "REQUIRED" },
        ],
      }),
    );
    await rejectsWithInput(() => readParquetBuffer(nested), "nested");
    await rejectsWithInput(() => readParquetBuffer(bytes.subarray(0, bytes.length - 9)), "Parquet");
    await rejectsWithInput(() => readParquetBuffer(new TextEncoder().encode("a,b\n1,2\n")), "not a Parquet file");
    const path = tmp.write("short.parquet", bytes.subarray(0, 30));
    await rejectsWithInput(() => readParquetFile(path), "short.parquet");
  });
});
