import assert from "node:assert/strict";
import { test } from "node:test";
import { MwError } from "../errors.js";
import { sqlitePathOf } from "./open-database.js";

test("store URIs name SQLite files as SQLAlchemy (and MLflow) spell them", () => {
  assert.equal(sqlitePathOf("sqlite:///rel/m.db", "/work"), "/work/rel/m.db");
  assert.equal(sqlitePathOf("sqlite:////abs/m.db", "/work"), "/abs/m.db");
  assert.equal(sqlitePathOf("m.db", "/work"), "/work/m.db");
  assert.equal(sqlitePathOf("/abs/m.db", "/work"), "/abs/m.db");
  for (const mem of ["sqlite://", "sqlite:///", "sqlite:///:memory:", ":memory:"])
    assert.equal(sqlitePathOf(mem, "/work"), undefined, mem);
  assert.throws(() => sqlitePathOf("postgresql://u@h/db"), MwError);
  assert.throws(() => sqlitePathOf("mysql://u@h/db"), /Unsupported store URI/);
});
