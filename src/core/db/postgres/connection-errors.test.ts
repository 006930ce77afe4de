import assert from "node:assert/strict";
import { test } from "node:test";
import { MwError } from "../../errors.js";
import { asUnavailable, isUnavailable, safeToRetry } from "./connection-errors.js";

const err = (code: string, message = "x") => Object.assign(new Error(message), { code });

test("lost, refused and timed-out connections are 503; statement errors are not", () => {
  for (const e of [
    err("ECONNRESET"),
    err("ECONNREFUSED"),
    err("57P01", "terminating connection due to administrator command"),
    err("08006"),
    err("57014", "canceling statement due to statement timeout"),
    new Error("Connection terminated unexpectedly"),
    err("55000", 'database "mw" is not currently accepting connections'),
  ])
    assert.equal(isUnavailable(e), true, String(e));
  for (const e of [err("23505", "duplicate key"), err("42P01", "relation does not exist"), new Error("boom")])
    assert.equal(isUnavailable(e), false, String(e));
  const mapped = asUnavailable(err("ECONNRESET", "read ECONNRESET"));
  assert.ok(mapped instanceof MwError && mapped.code === "TEMPORARILY_UNAVAILABLE");
  const unique = err("23505");
  assert.equal(asUnavailable(unique), unique);
});

test("a retry happens only when the first try cannot have done anything", () => {
  const wrapped = (e: Error) => asUnavailable(e);
  assert.equal(safeToRetry(wrapped(err("ECONNREFUSED")), "INSERT INTO runs VALUES (?)"), true, "never sent");
  assert.equal(safeToRetry(wrapped(new Error("Connection terminated unexpectedly")), "SELECT 1"), true, "a read");
  assert.equal(
    safeToRetry(wrapped(new Error("Connection terminated unexpectedly")), "UPDATE runs SET x = 1"),
    false,
    "a write may have committed",
  );
  assert.equal(safeToRetry(wrapped(err("57014")), "SELECT 1"), false, "a timed-out statement would wait again");
  assert.equal(safeToRetry(err("23505"), "SELECT 1"), false);
});
