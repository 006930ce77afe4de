import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { ColumnSource } from "hyparquet-writer";
import { parquetWriteBuffer } from "hyparquet-writer";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readParquetBuffer } from "../../data/parquet/read-parquet.js";
import { readTable } from "../../data/read-table.js";
import type { Column, Table } from "../../data/table.js";
import { valueAt } from "../../data/table.js";
import { predictorFor } from "../../learn/package/load-model.js";
import { fitModel } from "../../learn/train/fit-model.js";
import { resolveParams } from "../../learn/train/train-params.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";
import { registerModels } from "../test-support/register-model.js";

/** The table as Parquet bytes, typed like the project's reader reads them back. */
function toParquet(table: Table): Uint8Array {
  const columnData: ColumnSource[] = table.columns.map((c) => {
    const data = Array.from({ length: c.length }, (_, i) => valueAt(c, i));
    const type = c.type === "string" ? "STRING" : c.type === "int" ? "INT32" : c.type === "bool" ? "BOOLEAN" : "DOUBLE";
    return { name: c.name, data, type };
  });
  return new Uint8Array(parquetWriteBuffer({ columnData }));
}

describe("modelworks predict", () => {
  let home: string;
  let table: Table;
  let expected: Float64Array;

  const run = async (...argv: string[]) => {
    const io = captureIo(home);
    const code = await main(["predict", ...argv], io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-predict-"));
    table = await readTable(TELCO_CSV);
    const fit = await fitModel(table, {
      label: "Churn",
      algo: "gbdt",
      params: resolveParams("gbdt", ["n_estimators=20"]),
      seed: 1,
    });
    await registerModels(home, "churn", [fit.package], { champion: "1" });
    expected = predictorFor(fit.package).predict(table);
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test("Parquet output: the input rows with their types and nulls, the model's probability and label", async () => {
    const out = join(home, "scored.parquet");
    const r = await run("churn@champion", TELCO_CSV, "--out", out, "--json");
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, "", "--json keeps stderr quiet");
    const summary = JSON.parse(r.out);
    assert.deepEqual(Object.keys(summary).sort(), ["format", "model", "out", "rows", "seconds", "version"]);
    assert.deepEqual(
      [summary.rows, summary.out, summary.format, summary.model, summary.version],
      [7043, out, "parquet", "churn", "1"],
    );
    assert.equal(typeof summary.seconds, "number");

    const back = await readParquetBuffer(readFileSync(out));
    assert.equal(back.numRows, 7043);
    assert.deepEqual(back.columnNames, [...table.columnNames, "probability", "label"]);
    for (const c of table.columns) {
      const read = back.column(c.name) as Column;
      assert.equal(read.type, c.type, c.name);
      for (let i = 0; i < table.numRows; i++) {
        if (valueAt(read, i) !== valueAt(c, i))
          assert.fail(`${c.name} row ${i}: ${valueAt(read, i)} ≠ ${valueAt(c, i)}`);
      }
    }
    const totalCharges = back.column("TotalCharges") as Column;
    const nullRows = [...(totalCharges.nulls ?? [])].filter((v) => v === 1).length;
    assert.equal(nullRows, 11, "TotalCharges' blanks stay null");
    const probability = back.column("probability") as Column;
    const label = back.column("label") as Column;
    for (let i = 0; i < table.numRows; i++) {
      const p = expected[i] as number;
      if (valueAt(probability, i) !== p) assert.fail(`row ${i}: probability ${valueAt(probability, i)} ≠ ${p}`);
      if (valueAt(label, i) !== (p >= 0.5 ? "Yes" : "No")) assert.fail(`row ${i}: label ${valueAt(label, i)}`);
    }
  });

  test("CSV output still works, with progress on stderr", async () => {
    const out = join(home, "scored.csv");
    const r = await run("churn@champion", TELCO_CSV, "--out", out);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^Scored 7043 rows with churn v1 → .*scored\.csv \(csv, [\d.]+ s\)$/);
    assert.match(r.err, /^scored 7043\/7043 rows$/m);
    const lines = readFileSync(out, "utf8").trimEnd().split("\n");
    assert.equal(lines.length, 7044);
    assert.match(lines[0] as string, /^customerID,.*,Churn,probability,label$/);
    assert.equal(lines[1]?.split(",").at(-2), String(expected[0]));
  });

  test("the format comes from --format before the extension; an unknown extension is exit 2", async () => {
    const txt = join(home, "scored.txt");
    const bad = await run("churn@champion", TELCO_CSV, "--out", txt);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /cannot tell the output format from '.*scored\.txt'.*--format csv\|parquet/);
    const wrong = await run("churn@champion", TELCO_CSV, "--out", txt, "--format", "xlsx");
    assert.equal(wrong.code, 2);
    assert.match(wrong.err, /--format must be one of csv, parquet/);
    const forced = await run("churn@champion", TELCO_CSV, "--out", txt, "--format", "parquet", "--json");
    assert.equal(forced.code, 0, forced.err);
    assert.equal(JSON.parse(forced.out).format, "parquet");
    assert.equal(readFileSync(txt).subarray(0, 4).toString("latin1"), "PAR1");
  });

  test("Parquet input gives the same CSV as the CSV input", async () => {
    const input = join(home, "telco.parquet");
    writeFileSync(input, toParquet(table));
    const fromParquet = join(home, "from-parquet.csv");
    const fromCsv = join(home, "from-csv.csv");
    for (const [file, out] of [
      [input, fromParquet],
      [TELCO_CSV, fromCsv],
    ] as const) {
      const r = await run("churn@champion", file, "--out", out);
      assert.equal(r.code, 0, r.err);
    }
    assert.equal(readFileSync(fromParquet, "utf8"), readFileSync(fromCsv, "utf8"));
  });

  test("missing arguments and unknown models", async () => {
    assert.equal((await run("churn@champion", TELCO_CSV)).code, 2);
    assert.equal((await run("churn@champion")).code, 2);
    assert.equal((await run("churn@nope", TELCO_CSV, "--out", join(home, "x.csv"))).code, 1);
    const help = await run("--help");
    assert.equal(help.code, 0);
    assert.match(help.out, /--format csv\|parquet/);
  });
});
