import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { parse } from "yaml";
import { MwError } from "../../core/errors.js";
import type { ModelPackage } from "./model-package.js";
import { canonicalJson, readModelPackage, writeModelPackage } from "./model-package.js";

const root = mkdtempSync(join(tmpdir(), "mw-pkg-"));
after(() => rmSync(root, { recursive: true, force: true }));

const pkg: ModelPackage = {
  algo: "gbdt",
  model: { trees: [{ b: 1, a: [0.5, -0.25] }], base: 0 },
  preprocessor: { features: ["tenure", "Contract"], kind: "tree" },
  signature: {
    task: "binary",
    inputs: [
      { name: "tenure", type: "int" },
      { name: "Contract", type: "string", categories: ["Month-to-month", "One year"] },
    ],
    label: "Churn",
    positive_class: "Yes",
    threshold: 0.5,
  },
  referenceProfile: { num_rows: 3 },
  runId: "abc123",
};

test("a package round-trips, with an MLflow manifest and a modelworks flavor", async () => {
  const dir = join(root, "a");
  const files = await writeModelPackage(dir, pkg);
  assert.deepEqual(files, ["MLmodel", "model.json", "preprocessor.json", "reference-profile.json", "signature.json"]);
  const manifest = parse(readFileSync(join(dir, "MLmodel"), "utf8"));
  assert.equal(manifest.artifact_path, "model");
  assert.equal(manifest.run_id, "abc123");
  assert.equal(manifest.flavors.modelworks.algo, "gbdt");
  assert.deepEqual(JSON.parse(manifest.signature.inputs), [
    { name: "tenure", type: "long" },
    { name: "Contract", type: "string" },
  ]);
  assert.deepEqual(await readModelPackage(dir), pkg);
});

test("the same package gives the same bytes, whatever the key order", async () => {
  const reordered: ModelPackage = { ...pkg, model: { base: 0, trees: [{ a: [0.5, -0.25], b: 1 }] } };
  await writeModelPackage(join(root, "b"), pkg);
  await writeModelPackage(join(root, "c"), reordered);
  for (const f of ["MLmodel", "model.json", "signature.json", "preprocessor.json"]) {
    assert.equal(readFileSync(join(root, "b", f), "utf8"), readFileSync(join(root, "c", f), "utf8"), f);
  }
  assert.equal(canonicalJson({ b: 1, a: { d: 2, c: 3 } }), '{"a":{"c":3,"d":2},"b":1}\n');
});

test("a folder that is not a package is refused clearly", async () => {
  const isInvalid = (e: unknown) => e instanceof MwError && e.code === "INVALID_PARAMETER_VALUE";
  await assert.rejects(readModelPackage(join(root, "missing")), (e) => isInvalid(e) && /MLmodel/.test(String(e)));
  const bad = join(root, "bad");
  await writeModelPackage(bad, pkg);
  writeFileSync(join(bad, "MLmodel"), "flavors:\n  python_function: {}\n");
  await assert.rejects(readModelPackage(bad), (e) => isInvalid(e) && /modelworks flavor/.test(String(e)));
});

test("faults round-trip in faults.json, named in the manifest; without faults nothing changes", async () => {
  const faults = { delay_ms: 250, fail_when: { column: "Contract", values: ["Two year"] }, score_shift: -0.25 };
  const plain = join(root, "plain");
  const faulty = join(root, "faulty");
  await writeModelPackage(plain, pkg);
  const files = await writeModelPackage(faulty, { ...pkg, faults });
  assert.deepEqual(files, [
    "MLmodel",
    "faults.json",
    "model.json",
    "preprocessor.json",
    "reference-profile.json",
    "signature.json",
  ]);
  assert.deepEqual(await readModelPackage(faulty), { ...pkg, faults });
  const manifest = (dir: string) => readFileSync(join(dir, "MLmodel"), "utf8");
  assert.equal(parse(manifest(faulty)).flavors.modelworks.faults_file, "faults.json");
  // The faulty manifest is the plain one plus that one line; every other file is the same bytes.
  assert.doesNotMatch(manifest(plain), /faults/);
  assert.equal(manifest(faulty).replace("    faults_file: faults.json\n", ""), manifest(plain));
  for (const f of ["model.json", "signature.json", "preprocessor.json", "reference-profile.json"]) {
    assert.equal(readFileSync(join(faulty, f), "utf8"), readFileSync(join(plain, f), "utf8"), f);
  }
  assert.equal("faults" in (await readModelPackage(plain)), false);
});

test("bad faults are refused naming the field, when written and when read", async () => {
  const isInvalid = (field: RegExp) => (e: unknown) =>
    e instanceof MwError && e.code === "INVALID_PARAMETER_VALUE" && field.test(e.message);
  await assert.rejects(
    writeModelPackage(join(root, "w"), { ...pkg, faults: { delay_ms: 60_001 } }),
    isInvalid(/delay_ms/),
  );
  const dir = join(root, "r");
  await writeModelPackage(dir, { ...pkg, faults: { fail_rate: 0.5 } });
  writeFileSync(join(dir, "faults.json"), '{"fail_rate": 2}');
  await assert.rejects(readModelPackage(dir), isInvalid(/fail_rate.*0 to 1/));
  writeFileSync(join(dir, "faults.json"), '{"fail_when": {"column": "x", "values": [1]}}');
  await assert.rejects(readModelPackage(dir), isInvalid(/fail_when\.values/));
  writeFileSync(join(dir, "faults.json"), '{"slow": true}');
  await assert.rejects(readModelPackage(dir), isInvalid(/unknown field 'slow'/));
  writeFileSync(join(dir, "faults.json"), "{");
  await assert.rejects(readModelPackage(dir), isInvalid(/faults\.json is not valid JSON/));
});

test("a drift reference round-trips in drift-reference.json, named in the manifest; without one nothing changes", async () => {
  const driftReference = { format: "modelworks.drift_reference", version: 1, rows: 3, columns: [] };
  const plain = join(root, "no-drift");
  const withRef = join(root, "drift");
  await writeModelPackage(plain, pkg);
  const files = await writeModelPackage(withRef, { ...pkg, driftReference });
  assert.ok(files.includes("drift-reference.json"));
  assert.deepEqual(await readModelPackage(withRef), { ...pkg, driftReference });
  const manifest = (dir: string) => readFileSync(join(dir, "MLmodel"), "utf8");
  assert.equal(parse(manifest(withRef)).flavors.modelworks.drift_reference_file, "drift-reference.json");
  assert.doesNotMatch(manifest(plain), /drift/);
  assert.equal(manifest(withRef).replace("    drift_reference_file: drift-reference.json\n", ""), manifest(plain));
  assert.equal("driftReference" in (await readModelPackage(plain)), false);
});
