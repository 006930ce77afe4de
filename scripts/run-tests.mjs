#!/usr/bin/env node
// Runs every *.test.ts under src/ and test/ with Node's test runner. Node 20's `--test` finds
// nothing without explicit files, so this lists them. Extra arguments narrow the set by substring.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = [...walk("src", []), ...walk("test", [])]
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error("no test files found");
  process.exit(1);
}
// Human output on stdout; a TAP copy to a temp file, read back for one plain summary line.
const tap = join(mkdtempSync(join(tmpdir(), "mw-tests-")), "report.tap");
const r = spawnSync(
  process.execPath,
  [
    "--import",
    "tsx",
    "--test",
    "--test-reporter=spec",
    "--test-reporter-destination=stdout",
    "--test-reporter=tap",
    `--test-reporter-destination=${tap}`,
    ...files,
  ],
  { stdio: "inherit" },
);
const count = (name) => {
  try {
    const m = readFileSync(tap, "utf8").match(new RegExp(`^# ${name} (\\d+)$`, "m"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
};
// Cancelled tests (e.g. a promise left pending when the event loop emptied) fail the run too.
const cancelled = count("cancelled");
console.log(
  `summary: ${count("pass")} passed, ${count("fail")} failed, ${count("skipped")} skipped${cancelled ? `, ${cancelled} cancelled` : ""}`,
);
process.exit(r.status ?? 1);
