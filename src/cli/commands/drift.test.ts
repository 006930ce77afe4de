import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTable } from "../../data/read-table.js";
import { fitTelcoPackage } from "../../learn/test-support/telco-models.js";
import { inferSchema } from "../../validation/infer-schema.js";
import { schemaToYaml } from "../../validation/schema.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";
import { registerModels } from "../test-support/register-model.js";

describe("modelworks drift", () => {
  let home: string;
  let reference: string;
  let current: string;
  const half = 3521;

  const run = async (...argv: string[]) => {
    const io = captureIo(home);
    const code = await main(["drift", ...argv], io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-drift-"));
    // The first half of Telco as the reference; the second half, 36 months more tenure, as current.
    const [header, ...lines] = readFileSync(TELCO_CSV, "utf8").trimEnd().split("\n");
    const tenure = (header as string).split(",").indexOf("tenure");
    const shift = (line: string) => {
      const cells = line.split(",");
      cells[tenure] = String(Number(cells[tenure]) + 36);
      return cells.join(",");
    };
    reference = join(home, "reference.csv");
    current = join(home, "current.csv");
    writeFileSync(reference, [header, ...lines.slice(0, half)].join("\n"));
    writeFileSync(current, [header, ...lines.slice(half).map(shift)].join("\n"));
    const telco = await readTable(TELCO_CSV);
    await registerModels(home, "churn", [await fitTelcoPackage(telco, 20)], { champion: "1" });
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test("human output: the summary sentence and an aligned table, most drifted first; exit 0 with drift", async () => {
    const r = await run("--reference", reference, "--current", current, "--ignore", "customerID");
    assert.equal(r.code, 0, r.err);
    const lines = r.out.split("\n");
    assert.equal(lines[0], "Drift is detected for 5% of columns (1 out of 20).");
    assert.equal(lines[1], "No dataset drift: the share of drifted columns is below 0.5.");
    assert.match(lines[3] as string, /^column\s+type\s+test\s+statistic\s+p_value\s+score\s+threshold\s+drift$/);
    assert.match(lines[5] as string, /^tenure\s+numerical\s+wasserstein\s+[\d.]+\s+-\s+[\d.]+\s+0\.1\s+DRIFT$/);
    assert.equal(lines.length, 5 + 20);
    assert.equal(r.err, "");
  });

  test("--json prints exactly the report, with the fields DESIGN.md promises", async () => {
    const r = await run("--reference", reference, "--current", current, "--json");
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out);
    assert.equal(typeof report.dataset_drift, "boolean");
    assert.equal(typeof report.share_drifted, "number");
    assert.equal(report.columns.length, 21);
    for (const c of report.columns) {
      for (const key of ["column", "type", "test", "statistic", "p_value", "threshold", "drifted"])
        assert.ok(key in c, `${c.column}.${key}`);
    }
    const byName = Object.fromEntries(report.columns.map((c: { column: string }) => [c.column, c]));
    assert.equal(byName.tenure.drifted, true);
    assert.equal(byName.customerID.drifted, true, "every id is new");
    assert.equal(byName.gender.drifted, false);
    assert.deepEqual([report.drifted_columns, report.columns_checked], [2, 21]);
    assert.equal(report.reference_name, reference);
  });

  test("--html writes a self-contained report; --json output stays pure JSON", async () => {
    const out = join(home, "drift.html");
    const r = await run("--reference", reference, "--current", current, "--html", out);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /HTML report: .*drift\.html$/);
    const html = readFileSync(out, "utf8");
    assert.match(html, /<title>Data Drift Summary<\/title>/);
    assert.match(html, /Drift is detected for 9\.52% of columns \(2 out of 21\)/);
    const quiet = await run("--reference", reference, "--current", current, "--html", join(home, "b.html"), "--json");
    assert.equal(quiet.code, 0, quiet.err);
    assert.ok(JSON.parse(quiet.out).columns);
    assert.ok(existsSync(join(home, "b.html")));
  });

  test("--model scores both sides: the prediction drifts with tenure", async () => {
    const r = await run("--reference", reference, "--current", current, "--model", "churn@champion", "--json");
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out);
    assert.equal(report.prediction.test, "wasserstein");
    assert.equal(report.prediction.drifted, true);
    assert.equal(report.columns_checked, 22);
    const human = await run("--reference", reference, "--current", current, "--model", "churn@champion");
    assert.match(human.out.split("\n")[5] as string, /^prediction \(model score\)\s+numerical\s+wasserstein/);
  });

  test("dataset versions as either side, and --schema from a dataset version or a file", async () => {
    const io = captureIo(home);
    assert.equal(await main(["data", "add", reference, "--name", "telco-ref", "--label", "Churn"], io), 0);
    const r = await run("--reference", "telco-ref@1", "--current", current, "--schema", "telco-ref", "--json");
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out);
    assert.equal(report.reference_rows, half);
    const quality = report.quality.map((q: { column: string; check: string }) => `${q.column}:${q.check}`);
    assert.ok(quality.includes("tenure:out_of_range"), quality.join(", "));

    const schemaFile = join(home, "schema.yaml");
    writeFileSync(schemaFile, schemaToYaml(inferSchema(await readTable(reference), undefined, { label: "Churn" })));
    const fromFile = await run("--reference", reference, "--current", "telco-ref", "--schema", schemaFile);
    assert.equal(fromFile.code, 0, fromFile.err);
    assert.match(fromFile.out, /Data quality: every schema check passed\./);
  });

  test("bad input: exit non-zero with one line naming the flag", async () => {
    const cases: [string[], number, RegExp][] = [
      [["--current", current], 2, /drift needs --reference/],
      [["--reference", join(home, "nope.csv"), "--current", current], 1, /--reference '.*nope\.csv': no such file/],
      [["--reference", reference, "--current", "nope"], 1, /--current 'nope': no such file, and no dataset version/],
      [
        ["--reference", reference, "--current", current, "--method", "kstest"],
        2,
        /--method: unknown test 'kstest' \(expected one of .*ks.*\)/,
      ],
      [
        ["--reference", reference, "--current", current, "--num-method", "linf"],
        2,
        /--num-method: test 'linf' does not apply to numerical/,
      ],
      [
        ["--reference", reference, "--current", current, "--column-method", "tenure=nope"],
        2,
        /--column-method: unknown test 'nope'/,
      ],
      [
        ["--reference", reference, "--current", current, "--drift-share", "half"],
        2,
        /--drift-share must be a number, got 'half'/,
      ],
      [["--reference", reference, "--current", current, "--drift-share", "0"], 2, /--drift-share must be in \(0, 1\]/],
      [["--reference", reference, "--current", current, "--threshold=-1"], 2, /--threshold must not be negative/],
      [
        ["--reference", reference, "--current", current, "--column-threshold", "tenure"],
        2,
        /--column-threshold expects COL=VALUE/,
      ],
      [
        ["--reference", reference, "--current", current, "--schema", join(home, "missing.yaml")],
        1,
        /--schema '.*missing\.yaml': cannot read/,
      ],
      [["--reference", reference, "--current", current, "--model", "churn@nope"], 1, /nope/],
    ];
    for (const [argv, code, message] of cases) {
      const r = await run(...argv);
      assert.equal(r.code, code, `${argv.join(" ")}: ${r.err}`);
      assert.match(r.err, message);
      assert.match(r.err, /^modelworks drift: [^\n]+$/, "one line");
      assert.equal(r.out, "");
    }
  });

  test("overrides reach the report; --help explains the exit status", async () => {
    const r = await run(
      "--reference",
      reference,
      "--current",
      current,
      "--json",
      "--num-method",
      "ks",
      "--column-method",
      "gender=chisquare",
      "--column-threshold",
      "tenure=0.001",
      "--ignore",
      "customerID",
    );
    assert.equal(r.code, 0, r.err);
    const byName = Object.fromEntries(JSON.parse(r.out).columns.map((c: { column: string }) => [c.column, c]));
    assert.deepEqual([byName.tenure.test, byName.tenure.threshold, byName.gender.test], ["ks", 0.001, "chisquare"]);
    assert.equal(byName.customerID, undefined);
    const help = await run("--help");
    assert.equal(help.code, 0);
    assert.match(help.out, /^Usage: modelworks drift --reference/);
    assert.match(help.out, /0 when the comparison ran, whether or not drift was found/);
  });
});
