/** Test helpers for the data readers: temp files and assertions on located input errors. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isMwError } from "../../core/errors.js";
import type { Column, Table } from "../table.js";
import { valueAt } from "../table.js";

/** A fresh temp folder and a writer of files into it; call `cleanup` when done. */
export function tempDir(prefix = "mw-data-"): {
  dir: string;
  write: (name: string, content: string | Uint8Array) => string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write: (name, content) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Assert that `run` rejects with INVALID_PARAMETER_VALUE whose message contains every fragment. */
export async function rejectsWithInput(run: () => Promise<unknown>, ...fragments: string[]): Promise<string> {
  try {
    await run();
  } catch (e) {
    assert.ok(isMwError(e), `expected an MwError, got ${String(e)}`);
    assert.equal(e.code, "INVALID_PARAMETER_VALUE");
    for (const f of fragments) assert.ok(e.message.includes(f), `'${e.message}' lacks '${f}'`);
    return e.message;
  }
  assert.fail("expected a rejection");
}

/** A column by name (asserting it exists). */
export function col(t: Table, name: string): Column {
  const c = t.column(name);
  assert.ok(c, `no column '${name}'`);
  return c;
}

/** A column's values as plain JS values (null for missing). */
export function values(t: Table, name: string): Array<number | string | boolean | null> {
  const c = col(t, name);
  return Array.from({ length: c.length }, (_, i) => valueAt(c, i));
}

/** Count of each value in a column. */
export function counts(t: Table, name: string): Map<unknown, number> {
  const m = new Map<unknown, number>();
  for (const v of values(t, name)) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}

/** Number of null rows in a column. */
export function nullCount(c: Column): number {
  let n = 0;
  if (c.nulls) for (const v of c.nulls) n += v;
  return n;
}
