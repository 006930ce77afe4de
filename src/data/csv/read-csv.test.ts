import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { after, describe, it } from "node:test";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTable } from "../read-table.js";
import { col, counts, nullCount, rejectsWithInput, tempDir, values } from "../test-support/fixtures.js";
import { readCsvBuffer, readCsvFile } from "./read-csv.js";

const TELCO = TELCO_CSV;
const tmp = tempDir();
after(() => tmp.cleanup());

const csv = (text: string | Buffer, types?: Parameters<typeof readCsvBuffer>[1]) =>
  readCsvBuffer(Buffer.isBuffer(text) ? text : Buffer.from(text), { source: "t.csv", ...types });

describe("readTable on the Telco churn file", { skip: !existsSync(TELCO) }, () => {
  it("infers the documented types, nulls and counts", async () => {
    const t = await readTable(TELCO);
    assert.equal(t.numRows, 7043);
    assert.equal(t.columns.length, 21);
    const total = col(t, "TotalCharges");
    assert.equal(total.type, "float");
    assert.equal(nullCount(total), 11);
    assert.equal(col(t, "SeniorCitizen").type, "int");
    assert.equal(col(t, "tenure").type, "int");
    assert.equal(col(t, "MonthlyCharges").type, "float");
    assert.equal(col(t, "customerID").type, "string");
    const churn = col(t, "Churn");
    assert.equal(churn.type, "string");
    assert.equal(counts(t, "Churn").get("Yes"), 1869);
    assert.equal(counts(t, "Churn").get("No"), 5174);
  });

  it("applies declared types", async () => {
    const t = await readTable(TELCO, { types: { SeniorCitizen: "bool", Churn: "bool", tenure: "float" } });
    assert.equal(col(t, "SeniorCitizen").type, "bool");
    assert.equal(col(t, "Churn").type, "bool");
    assert.equal(values(t, "Churn").filter((v) => v === true).length, 1869);
    assert.equal(col(t, "tenure").type, "float");
  });
});

describe("CSV parsing", () => {
  it("handles quoted fields with delimiters, newlines and escaped quotes", async () => {
    const t = await csv('id,text\n1,"a, b"\n2,"line1\nline2"\n3,"say ""hi"""\n4,plain\n');
    assert.deepEqual(values(t, "text"), ["a, b", "line1\nline2", 'say "hi"', "plain"]);
    assert.deepEqual(values(t, "id"), [1, 2, 3, 4]);
  });

  it("handles CRLF line endings, a UTF-8 BOM and a missing final newline", async () => {
    const t = await csv(Buffer.from("\uFEFFa,b\r\n1,x\r\n2,y"));
    assert.deepEqual(t.columnNames, ["a", "b"]);
    assert.deepEqual(values(t, "a"), [1, 2]);
    assert.deepEqual(values(t, "b"), ["x", "y"]);
  });

  it("treats blank and whitespace-only cells as nulls and keeps Yes/No and true/false as strings", async () => {
    const t = await csv("n,f,s,yn,tf\n1, ,x,Yes,true\n,2.5,  ,No,false\n3,1e3,z,Yes,true\n");
    assert.equal(col(t, "n").type, "int");
    assert.deepEqual(values(t, "n"), [1, null, 3]);
    assert.equal(col(t, "f").type, "float");
    assert.deepEqual(values(t, "f"), [null, 2.5, 1000]);
    assert.deepEqual(values(t, "s"), ["x", null, "z"]);
    assert.equal(col(t, "yn").type, "string");
    assert.equal(col(t, "tf").type, "string");
  });

  it("infers ISO timestamps conservatively", async () => {
    const t = await csv(
      "d,ts,mixed\n2024-01-31,2024-01-31T10:00:00Z,2024-01-31\n2024-02-29,2024-02-01 12:30:15.5,soon\n",
    );
    assert.equal(col(t, "d").type, "timestamp");
    assert.deepEqual(values(t, "d"), [Date.UTC(2024, 0, 31), Date.UTC(2024, 1, 29)]);
    assert.deepEqual(values(t, "ts"), [Date.UTC(2024, 0, 31, 10), Date.UTC(2024, 1, 1, 12, 30, 15, 500)]);
    assert.equal(col(t, "mixed").type, "string");
  });

  it("re-reads a column as strings when a late cell is not a number", async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i},${i === 4500 ? "n/a-ish" : i * 2}`);
    const t = await csv(`id,v\n${rows.join("\n")}\n`);
    assert.equal(col(t, "id").type, "int");
    assert.equal(col(t, "v").type, "string");
    assert.equal(values(t, "v")[4500], "n/a-ish");
    assert.equal(values(t, "v")[10], "20");
  });

  it("parses long floats exactly like Number()", async () => {
    const nums = Array.from({ length: 2000 }, (_, i) => String((Math.sin(i) * 10 ** (i % 9)) / 7));
    const t = await csv(`x\n${nums.join("\n")}\n`);
    assert.deepEqual(values(t, "x"), nums.map(Number));
  });

  it("reads TSV and a header-only file (0 rows, string columns)", async () => {
    const t = await readTable(tmp.write("a.tsv", "a\tb\n1\tx y\n"));
    assert.deepEqual(values(t, "b"), ["x y"]);
    const h = await csv("a,b\n");
    assert.equal(h.numRows, 0);
    assert.deepEqual(
      h.columns.map((c) => c.type),
      ["string", "string"],
    );
  });

  it("rejects declared types the cells do not fit, naming line and column", async () => {
    await rejectsWithInput(() => csv("a,b\n1,2\n3,x\n", { types: { b: "int" } }), "t.csv", "line 3", "column 2", "'x'");
    await rejectsWithInput(() => csv("a,b\n1,2.5\n", { types: { b: "int" } }), "line 2", "column 2");
    await rejectsWithInput(() => csv("a,b\n1,maybe\n", { types: { b: "bool" } }), "line 2", "column 2");
    await rejectsWithInput(() => csv("a\n1\n", { types: { zzz: "int" } }), "zzz");
  });
});

describe("CSV bad input", () => {
  it("rejects an empty file", async () => {
    await rejectsWithInput(() => readTable(tmp.write("empty.csv", "")), "empty.csv", "empty");
    await rejectsWithInput(() => csv("\uFEFF\n\n"), "empty");
  });

  it("rejects ragged rows", async () => {
    await rejectsWithInput(() => csv("a,b,c\n1,2,3\n4,5\n"), "line 3", "column 2", "expected 3 fields, found 2");
    await rejectsWithInput(() => csv("a,b\n1,2\n3,4,5\n"), "line 3", "column 3", "found more");
  });

  it("rejects an unterminated quote", async () => {
    await rejectsWithInput(() => csv('a,b\n1,"open\n2,3\n'), "line 2", "column 2", "unterminated");
    await rejectsWithInput(() => csv('a,b\n1,"x"y\n'), "line 2", "column 2", "closing quote");
  });

  it("rejects non-UTF-8 bytes", async () => {
    const latin1 = Buffer.concat([Buffer.from("name,city\n1,M"), Buffer.from([0xfc]), Buffer.from("nchen\n")]);
    await rejectsWithInput(
      () => readTable(tmp.write("latin1.csv", latin1)),
      "latin1.csv",
      "line 2",
      "column 2",
      "UTF-8",
    );
  });

  it("rejects duplicate column names", async () => {
    await rejectsWithInput(() => csv("a,b,a\n1,2,3\n"), "line 1", "column 3", "duplicate column name 'a'");
  });

  it("rejects binary files", async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    await rejectsWithInput(() => readTable(tmp.write("image.csv", png)), "image.csv", "PNG");
    let seed = 7;
    const random = Buffer.alloc(4096, 0).map(() => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    });
    await rejectsWithInput(() => readTable(tmp.write("random.csv", random)), "random.csv", "line");
  });

  it("names the line of one bad row near the end of a large file", async () => {
    const n = 400_000;
    const lines = ["id,x,y,label"];
    for (let i = 0; i < n; i++)
      lines.push(i === n - 5 ? `${i},1.5,2` : `${i},${(i * 0.37).toFixed(3)},${i % 97},cat${i % 7}`);
    const path = tmp.write("large.csv", `${lines.join("\n")}\n`);
    const okPath = tmp.write("large-ok.csv", `${lines.filter((_, i) => i !== n - 4).join("\n")}\n`);
    for (const workers of [1, 2]) {
      const where = [`line ${n - 5 + 2}`, "column 3", "expected 4 fields, found 3"];
      await rejectsWithInput(() => readCsvFile(path, { workers }), "large.csv", ...where);
      const ok = await readCsvFile(okPath, { workers });
      assert.equal(ok.numRows, n - 1);
      assert.equal(values(ok, "id")[n - 2], n - 1);
      assert.equal(col(ok, "label").type, "string");
      const label = col(ok, "label");
      assert.equal(label.type === "string" ? label.dictionary.length : -1, 7);
    }
  });
});

describe("streamed CSV files", () => {
  const rows = ["id,n,f,text,cat,late"];
  for (let i = 0; i < 3000; i++) {
    const text = i % 7 === 0 ? `"multi\nline, ""quoted"" ${i}"` : i % 5 === 0 ? "" : `t${i % 13}`;
    const f = i % 11 === 0 ? "" : String(i * 0.25);
    rows.push(`${i},${i % 17},${f},${text},c${(i * 7) % 3},${i === 2900 ? "oops" : i}`);
  }
  const body = `${rows.join("\r\n")}\r\n`;

  it("match the in-memory parse for any block size and thread count", async () => {
    const path = tmp.write("stream.csv", body);
    const exact = await csv(body);
    assert.equal(col(exact, "late").type, "string");
    for (const blockBytes of [37, 1000, 1 << 20]) {
      for (const workers of [1, 2]) {
        const t = await readCsvFile(path, { blockBytes, workers });
        assert.equal(t.numRows, 3000);
        for (const name of exact.columnNames) {
          const [a, b] = [col(t, name), col(exact, name)];
          assert.equal(a.type, b.type, name);
          assert.deepEqual(values(t, name), values(exact, name), name);
          if (a.type === "string" && b.type === "string") assert.deepEqual(a.dictionary, b.dictionary, name);
        }
      }
    }
  });

  it("report errors in later blocks exactly like the in-memory parse", async () => {
    const ragged = body.replace("\r\n2500,", "\r\n2500,1,");
    const exact = await rejectsWithInput(() => csv(ragged), "line 2860", "expected 6 fields, found more");
    const path = tmp.write("ragged.csv", ragged);
    for (const workers of [1, 2]) {
      const streamed = await rejectsWithInput(() => readCsvFile(path, { blockBytes: 500, workers }), "ragged.csv");
      assert.equal(streamed.replace(path, "t.csv"), exact);
    }
    const latin1 = Buffer.concat([
      Buffer.from(body.slice(0, 60_000)),
      Buffer.from([0xfc]),
      Buffer.from(body.slice(60_000)),
    ]);
    const msg = await rejectsWithInput(() => csv(latin1), "UTF-8");
    const streamed = await rejectsWithInput(
      () => readCsvFile(tmp.write("bad.csv", latin1), { blockBytes: 500 }),
      "UTF-8",
    );
    assert.equal(streamed.replace(/^.*?: line/, "line"), msg.replace(/^.*?: line/, "line"));
  });
});
