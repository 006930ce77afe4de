import assert from "node:assert/strict";
import { test } from "node:test";
import { MwError } from "../../core/errors.js";
import { nextRun, parseCron } from "./cron.js";

const at = (iso: string) => new Date(iso);
const next = (expr: string, after: string) => nextRun(expr, at(after)).toISOString();

test("every minute, strictly after the given time, on whole minutes", () => {
  assert.equal(next("* * * * *", "2026-03-01T10:15:00Z"), "2026-03-01T10:16:00.000Z");
  assert.equal(next("* * * * *", "2026-03-01T10:15:59.999Z"), "2026-03-01T10:16:00.000Z");
});

test("lists, ranges, steps", () => {
  assert.equal(next("*/15 * * * *", "2026-03-01T10:15:00Z"), "2026-03-01T10:30:00.000Z");
  assert.equal(next("5,35 9-17 * * *", "2026-03-01T17:40:00Z"), "2026-03-02T09:05:00.000Z");
  assert.equal(next("10-50/20 * * * *", "2026-03-01T10:31:00Z"), "2026-03-01T10:50:00.000Z");
  assert.equal(next("5/20 * * * *", "2026-03-01T10:46:00Z"), "2026-03-01T11:05:00.000Z");
  assert.deepEqual([...parseCron("0 */6 * * *").hours], [0, 6, 12, 18]);
});

test("names of months and weekdays, and Sunday as 0 or 7", () => {
  // 2026-03-01 is a Sunday.
  assert.equal(next("0 9 * * MON-FRI", "2026-03-01T00:00:00Z"), "2026-03-02T09:00:00.000Z");
  assert.equal(next("0 9 * * mon", "2026-03-02T09:00:00Z"), "2026-03-09T09:00:00.000Z");
  assert.equal(next("0 0 * * 7", "2026-03-01T00:00:00Z"), "2026-03-08T00:00:00.000Z");
  assert.equal(next("0 0 1 JAN,jul *", "2026-03-01T00:00:00Z"), "2026-07-01T00:00:00.000Z");
});

test("day-of-month and day-of-week: OR when both are restricted, AND-with-star otherwise", () => {
  // The 13th or any Friday: Friday 2026-03-06 comes first.
  assert.equal(next("0 0 13 * FRI", "2026-03-01T00:00:00Z"), "2026-03-06T00:00:00.000Z");
  // A starred day-of-week leaves the day-of-month alone.
  assert.equal(next("0 0 13 * *", "2026-03-01T00:00:00Z"), "2026-03-13T00:00:00.000Z");
  // `*/2` counts as a star (Vixie), so AND: an odd day that is a Friday.
  assert.equal(next("0 0 */2 * FRI", "2026-03-01T00:00:00Z"), "2026-03-13T00:00:00.000Z");
});

test("month ends, leap years and year roll-over", () => {
  assert.equal(next("0 0 31 * *", "2026-04-01T00:00:00Z"), "2026-05-31T00:00:00.000Z");
  assert.equal(next("0 0 29 2 *", "2026-03-01T00:00:00Z"), "2028-02-29T00:00:00.000Z");
  assert.equal(next("59 23 31 12 *", "2026-12-31T23:59:00Z"), "2027-12-31T23:59:00.000Z");
  assert.equal(next("@daily", "2026-12-31T23:59:00Z"), "2027-01-01T00:00:00.000Z");
  assert.equal(next("@hourly", "2026-12-31T22:00:00Z"), "2026-12-31T23:00:00.000Z");
});

test("errors name the field", () => {
  const bad = (expr: string, re: RegExp) =>
    assert.throws(
      () => parseCron(expr),
      (e) => e instanceof MwError && e.code === "INVALID_PARAMETER_VALUE" && re.test(e.message),
    );
  bad("* * * *", /expected 5 fields.*got 4/);
  bad("60 * * * *", /minute field '60' has 60, outside 0-59/);
  bad("* 24 * * *", /hour field/);
  bad("* * 0 * *", /day-of-month field/);
  bad("* * * FOO *", /month field 'FOO' has 'FOO', which is not a number or a name/);
  bad("* * * * 8", /day-of-week field/);
  bad("*/0 * * * *", /minute field '\*\/0' has an invalid step/);
  bad("5-1 * * * *", /runs backwards/);
  bad("1,,2 * * * *", /empty list item/);
  assert.throws(() => nextRun("0 0 30 2 *", at("2026-01-01T00:00:00Z")), /never matches/);
  assert.throws(() => nextRun("* * * * *", at("2026-01-01T00:00:00Z"), "Europe/Paris"), /only UTC/);
  assert.equal(nextRun("* * * * *", at("2026-01-01T00:00:00Z"), "UTC").toISOString(), "2026-01-01T00:01:00.000Z");
});
