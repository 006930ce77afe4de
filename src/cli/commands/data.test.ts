import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parquetWriteBuffer } from "hyparquet-writer";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { connect } from "../cli-context.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";

const TELCO = TELCO_CSV;

describe("modelworks data (embedded store)", () => {
  let home: string;
  let files: string;
  const lines = readFileSync(TELCO, "utf8").trimEnd().split("\n");

  const run = async (...argv: string[]) => {
    const io = captureIo(home);
    const code = await main(["data", ...argv], io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };
  const json = async (...argv: string[]) => {
    const r = await run(...argv, "--json");
    assert.equal(r.code, 0, r.err);
    return JSON.parse(r.out);
  };
  const write = (name: string, body: string | Buffer) => {
    const p = join(files, name);
    writeFileSync(p, body);
    return p;
  };
  const objectCount = () => {
    try {
      return readdirSync(join(home, "objects", "sha256"), { recursive: true }).filter((f) => String(f).length > 2)
        .length;
    } catch {
      return 0;
    }
  };

  before(() => {
    home = mkdtempSync(join(tmpdir(), "mw-data-cli-"));
    files = mkdtempSync(join(tmpdir(), "mw-data-files-"));
  });
  after(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(files, { recursive: true, force: true });
  });

  test("help", async () => {
    const r = await run("--help");
    assert.equal(r.code, 0);
    assert.match(r.out, /data add FILE --name NAME/);
    assert.equal((await run()).code, 2);
    assert.equal((await run("frob")).code, 2);
  });

  test("add stores a content-addressed snapshot; the same bytes give the same version", async () => {
    const first = await json("add", TELCO, "--name", "churn", "--label", "Churn");
    assert.equal(first.created, true);
    const v = first.dataset_version;
    assert.deepEqual([v.name, v.version, v.rows, v.columns, v.format], ["churn", 1, 7043, 21, "csv"]);
    assert.match(v.digest, /^[0-9a-f]{64}$/);
    assert.equal(v.uri, "modelworks-dataset:/churn/1");
    assert.ok(readFileSync(join(home, "objects", "sha256", v.digest.slice(0, 2), v.digest.slice(2))).length > 0);
    const copy = write("copy.csv", readFileSync(TELCO));
    const again = await json("add", copy, "--name", "churn");
    assert.equal(again.created, false);
    assert.equal(again.dataset_version.version, 1);
    assert.equal(objectCount(), 1);
    const human = await run("add", TELCO, "--name", "churn");
    assert.match(human.out, /Unchanged: churn@1/);
  });

  test("a second version, ls, show and diff", async () => {
    const shifted = [lines[0], ...lines.slice(1, 5001).map((l) => l.replace("Month-to-month", "One year"))];
    const path = write("shifted.csv", `${shifted.join("\n")}\n`);
    const second = await json("add", path, "--name", "churn", "--label", "Churn");
    assert.equal(second.dataset_version.version, 2);
    assert.equal(second.dataset_version.rows, 5000);

    const listed = await json("ls");
    assert.deepEqual(
      listed.map((d: { name: string; version_count: number }) => [d.name, d.version_count]),
      [["churn", 2]],
    );
    assert.match((await run("ls")).out, /churn\s+2\s+2\s+5000/);

    const latest = await json("show", "churn");
    assert.equal(latest.version, 2);
    assert.equal(latest.schema.label, "Churn");
    assert.equal(latest.profile.num_rows, 5000);
    const shown = await run("show", "churn@1");
    assert.equal(shown.code, 0);
    assert.match(shown.out, /Dataset churn@1 \(7043 rows × 21 columns/);
    assert.match(shown.out, /Schema:/);
    assert.match(shown.out, /Profile:/);

    const diff = await json("diff", "churn@1", "churn@2");
    assert.deepEqual(diff.statistics.rows, { a: 7043, b: 5000, change: -2043 });
    const contract = diff.statistics.columns.find((c: { column: string }) => c.column === "Contract");
    assert.ok(contract.categories.some((k: { value: string }) => k.value === "Month-to-month"));
    assert.match((await run("diff", "churn@1", "churn@2")).out, /rows: 7043 → 5000/);
  });

  test("profile prints a profile without storing anything", async () => {
    const before = objectCount();
    const p = await json("profile", TELCO);
    assert.equal(p.num_rows, 7043);
    assert.equal(p.columns.length, 21);
    assert.match((await run("profile", TELCO)).out, /7043 rows × 21 columns/);
    assert.equal(objectCount(), before);
  });

  test("validate: exit 0 on clean data, 1 when a check fails", async () => {
    const ok = await run("validate", TELCO, "--schema", "churn@1", "--json");
    assert.equal(ok.code, 0, ok.out + ok.err);
    const report = JSON.parse(ok.out);
    assert.equal(report.success, true);
    assert.ok(report.statistics.evaluated > 0);

    const bad = [lines[0], ...lines.slice(1, 200).map((l) => l.replace(/,(Yes|No)$/, ",Maybe"))];
    const badPath = write("bad.csv", `${bad.join("\n")}\n`);
    const failed = await run("validate", badPath, "--schema", "churn@1", "--json");
    assert.equal(failed.code, 1);
    const r = JSON.parse(failed.out);
    assert.equal(r.success, false);
    assert.ok(r.results.some((x: { column: string; success: boolean }) => x.column === "Churn" && !x.success));
    assert.equal((await run("validate", badPath, "--schema", "churn@1")).code, 1);
  });

  test("corrupt files exit non-zero and store nothing", async () => {
    const before = objectCount();
    const corrupt = {
      "ragged.csv": `${lines.slice(0, 50).join("\n")}\n1,2,3\n${lines.slice(50, 100).join("\n")}\n`,
      "empty.csv": "",
      "binary.csv": Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0x03]),
    };
    for (const [name, body] of Object.entries(corrupt)) {
      const r = await run("add", write(name, body), "--name", "broken");
      assert.notEqual(r.code, 0, name);
      assert.equal(r.err.split("\n").length, 1, r.err);
      assert.match(r.err, /^modelworks data: INVALID_PARAMETER_VALUE: /);
    }
    assert.equal(objectCount(), before);
    assert.equal(readdirSync(join(home, "objects", "tmp")).length, 0);
    const missing = await run("show", "broken");
    assert.equal(missing.code, 1);
  });

  test("errors: unknown dataset, missing arguments", async () => {
    const unknown = await run("show", "nope");
    assert.equal(unknown.code, 1);
    assert.equal(unknown.err, "modelworks data: RESOURCE_DOES_NOT_EXIST: Dataset 'nope' does not exist.");
    assert.equal((await run("show", "churn@9")).code, 1);
    assert.equal((await run("add", TELCO)).code, 2);
    assert.equal((await run("validate", TELCO)).code, 2);
    assert.equal((await run("diff", "churn@1")).code, 2);
    assert.equal((await run("add", join(files, "nope.csv"), "--name", "x")).code, 1);
    assert.equal((await run("profile", join(files, "nope.csv"))).code, 1);
  });

  test("type overrides, schema export/edit/re-import, validation against a schema file", async () => {
    const added = await json("add", TELCO, "--name", "typed", "--label", "Churn", "--type", "SeniorCitizen=string");
    assert.equal(added.dataset_version.version, 1);
    const schema = await json("schema", "typed");
    const senior = schema.columns.find((c: { name: string }) => c.name === "SeniorCitizen");
    assert.equal(senior.type, "string");
    const yaml = await run("schema", "typed@1");
    assert.equal(yaml.code, 0, yaml.err);
    assert.match(yaml.out, /^version: 1$/m);
    // Tighten tenure's range, store the edit, and watch validation fail on the same file.
    const edited = write("schema.yaml", yaml.out.replace(/(name: tenure[\s\S]*?max: )\d+/, "$160"));
    assert.equal((await run("schema", "typed", "--set", edited)).code, 0);
    const failing = await run("validate", TELCO, "--schema", "typed", "--json");
    assert.equal(failing.code, 1);
    const result = JSON.parse(failing.out).results.find((r: { check: string; success: boolean }) => !r.success);
    assert.equal(result.column, "tenure");
    assert.equal(result.check, "range");
    // The same schema file validates without any store.
    assert.equal((await run("validate", TELCO, "--schema", edited)).code, 1);
    const bad = write("bad-schema.yaml", "version: 1\ncolumns:\n  - name: a\n    type: decimal\n");
    const refused = await run("schema", "typed", "--set", bad);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /columns\[0\]\.type/);
    assert.equal((await run("add", TELCO, "--name", "x", "--type", "tenure=decimal")).code, 1);
  });

  test("log-input records the version as a run input (MLflow lineage)", async () => {
    const conn = await connect({}, captureIo(home));
    const { run: created } = await conn.api.createRun({ experiment_id: "0" });
    await conn.close();
    const r = await run("log-input", "typed@1", "--run", created.info.run_id, "--context", "training");
    assert.equal(r.code, 0, r.err);
    const check = await connect({}, captureIo(home));
    const { run: got } = await check.api.getRun({ run_id: created.info.run_id });
    await check.close();
    const input = got.inputs.dataset_inputs?.[0];
    assert.equal(input?.dataset.name, "typed");
    assert.equal(input?.dataset.source, "modelworks-dataset:/typed/1");
    assert.match(input?.dataset.digest ?? "", /^[0-9a-f]{64}$/);
    assert.deepEqual(input?.tags, [{ key: "mlflow.data.context", value: "training" }]);
    const missingRun = await run("log-input", "typed@1", "--run", "0123456789abcdef0123456789abcdef");
    assert.equal(missingRun.code, 1);
    assert.match(missingRun.err, /RESOURCE_DOES_NOT_EXIST/);
  });

  test("Parquet files are versioned, profiled and validated like CSV", async () => {
    const bytes = parquetWriteBuffer({
      columnData: [
        { name: "id", data: new Int32Array([1, 2, 3, 4]), type: "INT32" },
        { name: "amount", data: [1.5, null, 3.25, 4], type: "DOUBLE", nullable: true },
        { name: "plan", data: ["basic", "pro", "basic", "pro"], type: "STRING" },
      ],
    });
    const path = write("plans.parquet", Buffer.from(bytes));
    const added = await json("add", path, "--name", "plans");
    assert.equal(added.dataset_version.format, "parquet");
    assert.equal(added.dataset_version.rows, 4);
    const profile = await json("profile", path);
    assert.equal(profile.columns.find((c: { name: string }) => c.name === "amount").nulls, 1);
    assert.equal((await run("validate", path, "--schema", "plans")).code, 0);
  });
});
