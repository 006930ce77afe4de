import assert from "node:assert/strict";
import { test } from "node:test";
import { MwError } from "../core/errors.js";
import { formatTypeOverrides, parseTypeOverrides } from "./type-overrides.js";

test("type overrides parse from flags and comma lists, and name a bad entry", () => {
  assert.deepEqual(parseTypeOverrides(["a=float", "b=string,c=bool"]), { a: "float", b: "string", c: "bool" });
  assert.deepEqual(parseTypeOverrides("x = int , "), { x: "int" });
  assert.equal(formatTypeOverrides({ a: "float", b: "int" }), "a=float,b=int");
  for (const bad of ["a", "=float", "a=decimal"]) {
    assert.throws(
      () => parseTypeOverrides(bad),
      (e) => e instanceof MwError && e.code === "INVALID_PARAMETER_VALUE" && e.message.includes(`'${bad}'`),
    );
  }
});
