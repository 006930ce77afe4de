/** The registry's input rules: versions, aliases, sources, stages, page sizes. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { isMwError } from "../core/errors.js";
import { canonicalStage, pageSize, parseVersion, validateAlias, validateSource } from "./validation.js";

function invalid(fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => isMwError(e) && e.code === "INVALID_PARAMETER_VALUE");
}

test("versions are positive decimal integers, as strings or numbers", () => {
  assert.equal(parseVersion("12"), 12);
  assert.equal(parseVersion(" 3 "), 3);
  assert.equal(parseVersion(7), 7);
  for (const v of ["0", "-2", "1.0", "0x10", "1e2", "", "abc", "9".repeat(16)]) invalid(() => parseVersion(v));
  for (const v of [0, -1, 1.5, Number.NaN]) invalid(() => parseVersion(v));
});

test("alias names follow MLflow's pattern and reservations", () => {
  for (const a of ["champion", "prod-eu_2", "v1x", "x".repeat(255)]) validateAlias(a);
  for (const a of ["", "latest", "LaTeSt", "v0", "V99", "a b", "a.b", "x".repeat(256)]) invalid(() => validateAlias(a));
});

test("sources: traversal and NUL are refused however they are encoded", () => {
  for (const s of ["s3://b/m", "models:/m/1", "runs:/abc/model", "file:///abs/path/model", "s3://b/a..b"]) {
    validateSource(s);
  }
  const bad = [
    "..",
    "s3://b/../x",
    "s3://b/%2e%2E/x",
    "s3://b/%252e%252e/x",
    "s3://b/%25252e%25252e/x",
    "s3://b/x%00",
    "s3://b/x%2500",
    "s3://b/%zz/%2e%2e/x",
    "s3://b/.%2e/x",
    "C:\\models\\..\\x",
    " ",
  ];
  for (const s of bad) invalid(() => validateSource(s));
});

test("stages are matched in any case and spelled canonically", () => {
  assert.equal(canonicalStage("production"), "Production");
  assert.equal(canonicalStage("NONE"), "None");
  invalid(() => canonicalStage("prod"));
});

test("page sizes default when absent and are capped", () => {
  assert.equal(pageSize(undefined, 100, 1000), 100);
  assert.equal(pageSize(1000, 100, 1000), 1000);
  invalid(() => pageSize(1001, 100, 1000));
  invalid(() => pageSize(0, 100, 1000));
});
