import assert from "node:assert/strict";
import { test } from "node:test";
import { formatDatasetRef, parseDatasetRef, parseVersion } from "./dataset-ref.js";

test("dataset references: NAME, NAME@VERSION, latest", () => {
  assert.deepEqual(parseDatasetRef("churn"), { name: "churn" });
  assert.deepEqual(parseDatasetRef("churn@3"), { name: "churn", version: 3 });
  assert.deepEqual(parseDatasetRef("churn@latest"), { name: "churn" });
  assert.equal(formatDatasetRef({ name: "churn", version: 2 }), "churn@2");
  assert.equal(parseVersion("latest"), undefined);
  for (const bad of ["@1", "churn@0", "churn@x", "churn@-1", "churn@1.5"]) {
    assert.throws(() => parseDatasetRef(bad), { code: "INVALID_PARAMETER_VALUE" });
  }
});
