/**
 * Issue 21 through the command line: a schema inferred from the first 80% of a churn export with
 * a row-number column (`data add`, or `data infer` to a file) passes the rest of the same file and
 * its 200-row batches; a corrupted batch still fails.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";

describe("modelworks data infer, and validation of later batches", () => {
  let home: string;
  const [header, ...rows] = readFileSync(TELCO_CSV, "utf8").trimEnd().split("\n");
  const numbered = rows.map((l, i) => `${i + 1},${l}`);
  const cut = Math.floor(rows.length * 0.8);

  const run = async (...argv: string[]) => {
    const io = captureIo(home);
    const code = await main(["data", ...argv], io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };
  const csv = (name: string, lines: string[]) => {
    const path = join(home, name);
    writeFileSync(path, `RowNumber,${header}\n${lines.join("\n")}\n`);
    return path;
  };

  before(() => {
    home = mkdtempSync(join(tmpdir(), "mw-data-infer-"));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test("the stored schema passes the rest of the file and its batches, and fails a broken batch", async () => {
    assert.equal(
      (await run("add", csv("first.csv", numbered.slice(0, cut)), "--name", "churn", "--label", "Churn")).code,
      0,
    );
    const schema = JSON.parse((await run("schema", "churn", "--json")).out);
    assert.equal(schema.row_count, undefined);
    const rowNumber = schema.columns.find((c: { name: string }) => c.name === "RowNumber");
    assert.deepEqual([rowNumber.type, rowNumber.range, rowNumber.unique], ["int", undefined, { mostly: 0.99 }]);
    const rest = await run("validate", csv("rest.csv", numbered.slice(cut)), "--schema", "churn", "--json");
    assert.equal(rest.code, 0, rest.out);
    for (let from = cut; from + 200 <= numbered.length; from += 600) {
      const batch = await run("validate", csv("batch.csv", numbered.slice(from, from + 200)), "--schema", "churn");
      assert.equal(batch.code, 0, `rows ${from}..: ${batch.out}`);
    }
    const broken = numbered.slice(cut, cut + 200).map((l) => l.replace(/,(Yes|No)$/, ",Maybe"));
    const failed = await run("validate", csv("broken.csv", broken), "--schema", "churn", "--json");
    assert.equal(failed.code, 1);
    const bad = JSON.parse(failed.out).results.filter((r: { success: boolean }) => !r.success);
    assert.deepEqual(
      bad.map((r: { column: string; check: string }) => `${r.column}:${r.check}`),
      ["Churn:domain"],
    );
  });

  test("infer prints the schema without storing it; options; the file validates later batches", async () => {
    const first = csv("first.csv", numbered.slice(0, cut));
    const yaml = await run("infer", first, "--label", "Churn");
    assert.equal(yaml.code, 0, yaml.err);
    assert.match(yaml.out, /^label: Churn$/m);
    assert.doesNotMatch(yaml.out, /row_count/);
    const path = join(home, "schema.yaml");
    writeFileSync(path, yaml.out);
    assert.equal((await run("validate", csv("rest.csv", numbered.slice(cut)), "--schema", path)).code, 0);

    const declared = JSON.parse((await run("infer", first, "--row-count", "0.5,2", "--json")).out);
    assert.deepEqual(declared.row_count, { min: Math.floor(cut / 2), max: cut * 2, severity: "warning" });
    const presence = (s: { columns: { name: string; presence?: { min_fraction: number } }[] }) =>
      s.columns.find((c) => c.name === "TotalCharges")?.presence?.min_fraction as number;
    const small = JSON.parse((await run("infer", first, "--batch-rows", "20", "--json")).out);
    assert.ok(presence(small) < presence(declared), "smaller batches get more room for noise");
  });

  test("bad flags and files are refused", async () => {
    const first = csv("first.csv", numbered.slice(0, 50));
    for (const flags of [
      ["--batch-rows", "0"],
      ["--batch-rows", "1.5"],
      ["--row-count", "2,1"],
      ["--row-count", "1"],
    ]) {
      const r = await run("infer", first, ...flags);
      assert.equal(r.code, 2, flags.join(" "));
      assert.match(r.err, new RegExp(flags[0] as string));
    }
    assert.equal((await run("infer")).code, 2);
    assert.equal((await run("infer", join(home, "nope.csv"))).code, 1);
    const label = await run("infer", first, "--label", "nope");
    assert.equal(label.code, 1);
    assert.match(label.err, /label column 'nope'/);
  });
});
