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
