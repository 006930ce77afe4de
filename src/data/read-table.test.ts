import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { readTable, readTableFromBuffer } from "./read-table.js";
import { col, rejectsWithInput, tempDir, values } from "./test-support/fixtures.js";

const tmp = tempDir();
after(() => tmp.cleanup());

describe("readTable", () => {
  it("chooses CSV by extension or content, TSV by extension", async () => {
    const csv = await readTable(tmp.write("a.csv", "x,y\n1,a\n"));
    assert.deepEqual(values(csv, "y"), ["a"]);
    const sniffed = await readTable(tmp.write("data.bin", "x,y\n1,a\n"));
    assert.equal(col(sniffed, "x").type, "int");
    const tsv = await readTable(tmp.write("a.tsv", "x\ty\n1\ta,b\n"));
    assert.deepEqual(values(tsv, "y"), ["a,b"]);
    const forced = await readTable(tmp.write("semi.txt", "x;y\n1;2\n"), { delimiter: ";" });
    assert.deepEqual(values(forced, "y"), [2]);
  });

  it("reads from a buffer", async () => {
    const t = await readTableFromBuffer(new TextEncoder().encode("a\n1\n2\n"), { types: { a: "float" } });
    assert.equal(col(t, "a").type, "float");
    assert.deepEqual(values(t, "a"), [1, 2]);
  });

  it("turns file-system failures into client errors naming the path", async () => {
    await rejectsWithInput(() => readTable(`${tmp.dir}/missing.csv`), "missing.csv", "no such file");
    await rejectsWithInput(() => readTable(tmp.dir), "directory");
  });
});
