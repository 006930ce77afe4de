import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parquetMetadata } from "hyparquet";
import { MwError } from "../core/errors.js";
import { readParquetBuffer } from "../data/parquet/read-parquet.js";
import { readTable } from "../data/read-table.js";
import type { Column } from "../data/table.js";
import { Table, valueAt } from "../data/table.js";
import type { ModelSignature } from "../learn/package/model-package.js";
import { nativeModel } from "../runtimes/native/native-runtime.js";
import type { LoadedModel } from "../runtimes/runtime.js";
import { CHUNK_ROWS, outputFormatFromPath, scoreToFile } from "./batch-scoring.js";

const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 678);

/** Five rows with every logical type and a null in each column. */
function sampleTable(): Table {
  const nulls = (...rows: number[]) => Uint8Array.from({ length: 5 }, (_, i) => (rows.includes(i) ? 1 : 0));
  const columns: Column[] = [
    { name: "id", type: "int", length: 5, values: Float64Array.from([1, 2, 3, 4, 5]) },
    {
      name: "amount",
      type: "float",
      length: 5,
      values: Float64Array.from([1.5, Number.NaN, -2.25, 0, 1e-3]),
      nulls: nulls(1),
    },
    {
      name: "count",
      type: "int",
      length: 5,
      values: Float64Array.from([7, -3, Number.NaN, 0, 2 ** 40]),
      nulls: nulls(2),
    },
    { name: "active", type: "bool", length: 5, values: Uint8Array.from([1, 0, 0, 1, 1]), nulls: nulls(2) },
    {
      name: "segment",
      type: "string",
      length: 5,
      codes: Int32Array.from([0, 1, -1, 0, 2]),
      dictionary: ["a", 'b, "c"', "é"],
      nulls: nulls(2),
    },
    {
      name: "seen",
      type: "timestamp",
      length: 5,
      values: Float64Array.from([T0, T0 + 1, Number.NaN, T0 - 86_400_000, 0]),
      nulls: nulls(2),
    },
  ];
  return new Table(columns);
}

/** A stand-in model: the score is id / 10, so every row's expected score is known. */
function fakePredictor(signature: Partial<ModelSignature> = {}): LoadedModel {
  return nativeModel({
    algo: "gbdt",
    signature: {
      task: "binary",
      inputs: [],
      positive_class: "yes",
      negative_class: "no",
      threshold: 0.3,
      ...signature,
    },
    predict: (t) => Float64Array.from((t.column("id") as { values: Float64Array }).values, (v) => v / 10),
  });
}

describe("batch scoring to files", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "mw-batch-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const readParquet = async (path: string) => readParquetBuffer(readFileSync(path), { source: path });

  test("the output format follows the extension", () => {
    assert.equal(outputFormatFromPath("a/b.CSV"), "csv");
    assert.equal(outputFormatFromPath("scored.parquet"), "parquet");
    assert.equal(outputFormatFromPath("scored.pq"), "parquet");
    assert.equal(outputFormatFromPath("scored.txt"), undefined);
    assert.equal(outputFormatFromPath("scored"), undefined);
  });

  test("Parquet keeps the input's types and nulls, adds probability and a named label, a row group per chunk", async () => {
    const table = sampleTable();
    const out = join(dir, "scored.parquet");
    const progress: number[] = [];
    const r = await scoreToFile(fakePredictor(), table, out, {
      format: "parquet",
      chunkRows: 2,
      progress: (done, total) => progress.push(done, total),
    });
    assert.deepEqual(r, { rows: 5, format: "parquet" });
    assert.deepEqual(progress, [2, 5, 4, 5, 5, 5]);
    const bytes = readFileSync(out);
    const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    assert.equal(meta.row_groups.length, 3);
    assert.match(meta.created_by ?? "", /^modelworks/);
    const types = Object.fromEntries(meta.schema.slice(1).map((e) => [e.name, [e.type, e.converted_type]]));
    assert.deepEqual(types, {
      id: ["INT64", undefined],
      amount: ["DOUBLE", undefined],
      count: ["INT64", undefined],
      active: ["BOOLEAN", undefined],
      segment: ["BYTE_ARRAY", "UTF8"],
      seen: ["INT64", "TIMESTAMP_MILLIS"],
      probability: ["DOUBLE", undefined],
      label: ["BYTE_ARRAY", "UTF8"],
    });
    const back = await readParquet(out);
    assert.deepEqual(back.columnNames, [...table.columnNames, "probability", "label"]);
    for (const c of table.columns) {
      const read = back.column(c.name) as Column;
      assert.equal(read.type, c.type, c.name);
      for (let i = 0; i < 5; i++) assert.deepEqual(valueAt(read, i), valueAt(c, i), `${c.name} row ${i}`);
    }
    const probability = back.column("probability") as Column;
    const label = back.column("label") as Column;
    for (let i = 0; i < 5; i++) {
      assert.equal(valueAt(probability, i), (i + 1) / 10);
      assert.equal(valueAt(label, i), (i + 1) / 10 >= 0.3 ? "yes" : "no");
    }
    assert.deepEqual(readdirSync(dir), ["scored.parquet"]);
  });

  test("Parquet labels are INT64 1/0 without class names; an int beyond 2^53 becomes DOUBLE", async () => {
    const big: Column = { name: "big", type: "int", length: 5, values: Float64Array.from([1, 2, 3, 4, 2 ** 60]) };
    const table = new Table([...sampleTable().columns, big]);
    const out = join(dir, "unnamed.parquet");
    await scoreToFile(fakePredictor({ positive_class: undefined, negative_class: undefined }), table, out, {
      format: "parquet",
    });
    const bytes = readFileSync(out);
    const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    const element = (name: string) => meta.schema.find((e) => e.name === name);
    assert.equal(element("label")?.type, "INT64");
    assert.equal(element("big")?.type, "DOUBLE");
    const back = await readParquet(out);
    assert.deepEqual(
      Array.from({ length: 5 }, (_, i) => valueAt(back.column("label") as Column, i)),
      [0, 0, 1, 1, 1],
    );
    assert.equal(valueAt(back.column("big") as Column, 4), 2 ** 60);
  });

  test("regression writes only the prediction", async () => {
    const out = join(dir, "regression.parquet");
    await scoreToFile(fakePredictor({ task: "regression" }), sampleTable(), out, { format: "parquet" });
    const back = await readParquet(out);
    assert.deepEqual(back.columnNames.slice(-2), ["seen", "prediction"]);
    const csv = join(dir, "regression.csv");
    await scoreToFile(fakePredictor({ task: "regression" }), sampleTable(), csv, { format: "csv" });
    assert.match(readFileSync(csv, "utf8").split("\n")[0] as string, /,seen,prediction$/);
  });

  test("CSV quotes, leaves nulls blank, writes ISO timestamps and reads back with the same types", async () => {
    const table = sampleTable();
    const out = join(dir, "scored.csv");
    const r = await scoreToFile(fakePredictor(), table, out, { format: "csv", chunkRows: 2 });
    assert.deepEqual(r, { rows: 5, format: "csv" });
    const lines = readFileSync(out, "utf8").trimEnd().split("\n");
    assert.equal(lines.length, 6);
    assert.equal(lines[0], "id,amount,count,active,segment,seen,probability,label");
    assert.equal(lines[1], "1,1.5,7,true,a,2024-01-02T03:04:05.678Z,0.1,no");
    assert.equal(lines[2], '2,,-3,false,"b, ""c""",2024-01-02T03:04:05.679Z,0.2,no');
    assert.equal(lines[3], "3,-2.25,,,,,0.3,yes");
    // CSV inference never guesses booleans (true/false stay categorical), so that one is declared.
    const back = await readTable(out, { types: { active: "bool" } });
    for (const c of table.columns) {
      const read = back.column(c.name) as Column;
      assert.equal(read.type, c.type, c.name);
      for (let i = 0; i < 5; i++) assert.deepEqual(valueAt(read, i), valueAt(c, i), `${c.name} row ${i}`);
    }
  });

  test("an input column named like an output is replaced, not duplicated", async () => {
    const stale: Column = { name: "probability", type: "float", length: 5, values: new Float64Array(5) };
    const table = new Table([...sampleTable().columns, stale]);
    const out = join(dir, "rescored.parquet");
    await scoreToFile(fakePredictor(), table, out, { format: "parquet" });
    const back = await readParquet(out);
    assert.deepEqual(back.columnNames.slice(-3), ["seen", "probability", "label"]);
    assert.equal(valueAt(back.column("probability") as Column, 4), 0.5);
  });

  test("no rows still gives a readable file with the header or schema", async () => {
    const empty = sampleTable().slice(0, 0);
    const pq = join(dir, "empty.parquet");
    await scoreToFile(fakePredictor(), empty, pq, { format: "parquet" });
    const back = await readParquet(pq);
    assert.equal(back.numRows, 0);
    const csv = join(dir, "empty.csv");
    await scoreToFile(fakePredictor(), empty, csv, { format: "csv" });
    assert.equal(readFileSync(csv, "utf8"), "id,amount,count,active,segment,seen,probability,label\n");
  });

  test("a default-size run writes one row group per 65,536 rows", async () => {
    const n = CHUNK_ROWS * 2 + 10;
    const ids: Column = { name: "id", type: "int", length: n, values: Float64Array.from({ length: n }, (_, i) => i) };
    const out = join(dir, "large.parquet");
    await scoreToFile(fakePredictor(), new Table([ids]), out, { format: "parquet" });
    const bytes = readFileSync(out);
    const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    assert.deepEqual(
      meta.row_groups.map((g) => Number(g.num_rows)),
      [CHUNK_ROWS, CHUNK_ROWS, 10],
    );
    const back = await readParquet(out);
    assert.equal(valueAt(back.column("probability") as Column, n - 1), (n - 1) / 10);
  });

  test("an unwritable destination is a clear error and leaves no temp file", async () => {
    const out = join(dir, "missing", "scored.parquet");
    await assert.rejects(
      scoreToFile(fakePredictor(), sampleTable(), out, { format: "parquet" }),
      (e) => e instanceof MwError && e.message.includes(out),
    );
    await assert.rejects(
      scoreToFile(fakePredictor(), sampleTable(), dir, { format: "csv" }),
      (e) => e instanceof MwError && /cannot replace/.test(e.message),
    );
    const failing: LoadedModel = {
      ...fakePredictor(),
      predict: async () => {
        throw new Error("model exploded");
      },
    };
    await assert.rejects(scoreToFile(failing, sampleTable(), join(dir, "boom.csv"), { format: "csv" }), /exploded/);
    assert.equal(
      readdirSync(dir).some((f) => f.startsWith("boom.csv")),
      false,
    );
  });
});
