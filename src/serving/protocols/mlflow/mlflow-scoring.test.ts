import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MwError } from "../../../core/errors.js";
import { type Table, valueAt } from "../../../data/table.js";
import type { ModelSignature } from "../../../learn/package/model-package.js";
import { checkScoringContentType, formatPredictions, parseScoringCsv, parseScoringJson } from "./index.js";

const sig: ModelSignature = {
  task: "binary",
  inputs: [
    { name: "age", type: "int" },
    { name: "income", type: "float" },
    { name: "member", type: "bool" },
    { name: "city", type: "string", categories: ["paris", "rome"] },
  ],
  positive_class: "yes",
  threshold: 0.5,
};

function rows(t: Table): unknown[][] {
  const out: unknown[][] = [];
  for (let r = 0; r < t.numRows; r++) out.push(t.columns.map((c) => valueAt(c, r)));
  return out;
}

function throwsMw(fn: () => unknown, code: string, ...parts: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof MwError, `expected MwError, got ${String(e)}`);
    assert.equal(e.code, code);
    for (const p of parts) assert.ok(e.message.includes(p), `'${e.message}' lacks '${p}'`);
    return true;
  });
}

const bad = (fn: () => unknown, ...parts: string[]) => throwsMw(fn, "BAD_REQUEST", ...parts);

describe("checkScoringContentType", () => {
  it("accepts JSON and CSV, with charset=utf-8 in any case", () => {
    assert.equal(checkScoringContentType("application/json"), "json");
    assert.equal(checkScoringContentType("application/json; charset=utf-8"), "json");
    assert.equal(checkScoringContentType('Application/JSON;Charset="UTF-8"'), "json");
    assert.equal(checkScoringContentType("text/csv"), "csv");
    assert.equal(checkScoringContentType("text/csv; charset=UTF-8"), "csv");
    assert.equal(checkScoringContentType("text/csv ;charset=utf8"), "csv");
  });

  it("rejects other charsets, parameters and types with 415", () => {
    throwsMw(() => checkScoringContentType("application/json; charset=latin1"), "UNSUPPORTED_MEDIA_TYPE", "UTF-8");
    throwsMw(() => checkScoringContentType("text/plain"), "UNSUPPORTED_MEDIA_TYPE", "text/plain");
    throwsMw(
      () => checkScoringContentType("application/json; format=pandas-split"),
      "UNSUPPORTED_MEDIA_TYPE",
      "format",
      "2.0",
    );
    throwsMw(() => checkScoringContentType(undefined), "UNSUPPORTED_MEDIA_TYPE", "Content-Type");
    throwsMw(() => checkScoringContentType(""), "UNSUPPORTED_MEDIA_TYPE");
    assert.equal(new MwError("UNSUPPORTED_MEDIA_TYPE", "x").status, 415);
  });
});

describe("parseScoringJson", () => {
  const expected = [
    [30, 1.5, true, "paris"],
    [41, 2, false, "tokyo"],
  ];

  it("reads dataframe_split, ignoring extra columns, index and params", () => {
    const t = parseScoringJson(
      {
        dataframe_split: {
          columns: ["extra", "city", "member", "income", "age"],
          index: [7, 8],
          data: [
            ["x", "paris", true, 1.5, 30],
            ["y", "tokyo", false, 2, 41],
          ],
        },
        params: { anything: 1 },
      },
      sig,
    );
    assert.deepEqual(t.columnNames, ["age", "income", "member", "city"]);
    assert.deepEqual(rows(t), expected);
    assert.equal(t.column("age")?.type, "int");
    assert.equal(t.column("city")?.type, "string");
  });

  it("reads dataframe_split without columns positionally", () => {
    const t = parseScoringJson({ dataframe_split: { data: [[30, 1.5, true, "paris"]] } }, sig);
    assert.deepEqual(rows(t), [expected[0]]);
    bad(() => parseScoringJson({ dataframe_split: { data: [[30, 1.5, true]] } }, sig), "row 0", "4 values");
  });

  it("reads dataframe_records", () => {
    const t = parseScoringJson(
      {
        dataframe_records: [
          { age: 30, income: 1.5, member: true, city: "paris", extra: 1 },
          { age: 41, income: 2, member: false, city: "tokyo" },
        ],
      },
      sig,
    );
    assert.deepEqual(rows(t), expected);
    bad(() => parseScoringJson({ dataframe_records: [[30, 1.5, true, "paris"]] }, sig), "row 0", "object");
    bad(() => parseScoringJson({ dataframe_records: { age: 1 } }, sig), "dataframe_records");
  });

  it("reads instances as records or positional lists", () => {
    const records = parseScoringJson(
      {
        instances: [
          { age: 30, income: 1.5, member: true, city: "paris" },
          { age: 41, income: 2, member: false, city: "tokyo" },
        ],
      },
      sig,
    );
    assert.deepEqual(rows(records), expected);
    const lists = parseScoringJson({ instances: expected }, sig);
    assert.deepEqual(rows(lists), expected);
    bad(() => parseScoringJson({ instances: [[1, 2]] }, sig), "row 0", "2 values", "'age', 'income'");
    const one: ModelSignature = { task: "regression", inputs: [{ name: "x", type: "float" }] };
    assert.deepEqual(rows(parseScoringJson({ instances: [1, null, 3] }, one)), [[1], [null], [3]]);
  });

  it("reads inputs as columns or rows", () => {
    const cols = parseScoringJson(
      {
        inputs: { age: [30, 41], income: [1.5, 2], member: [true, false], city: ["paris", "tokyo"], other: [1] },
      },
      sig,
    );
    assert.deepEqual(rows(cols), expected);
    assert.deepEqual(rows(parseScoringJson({ inputs: expected }, sig)), expected);
    bad(
      () => parseScoringJson({ inputs: { age: [1, 2], income: [1], member: [true, true], city: ["a", "b"] } }, sig),
      "'income'",
      "1 values",
    );
    bad(() => parseScoringJson({ inputs: { age: [1], income: [1], member: [true] } }, sig), "missing inputs", "'city'");
    bad(() => parseScoringJson({ inputs: 3 }, sig), "'inputs'");
  });

  it("needs exactly one format key in an object", () => {
    bad(() => parseScoringJson({ instances: expected, inputs: expected }, sig), "exactly one", "2.0");
    bad(() => parseScoringJson({ params: {} }, sig), "exactly one");
    bad(() => parseScoringJson({ data: expected }, sig), "exactly one");
    bad(() => parseScoringJson(expected, sig), "exactly one");
    bad(() => parseScoringJson(null, sig), "exactly one");
    bad(() => parseScoringJson("x", sig), "exactly one");
  });

  it("rejects empty data and too many rows", () => {
    bad(() => parseScoringJson({ dataframe_split: { columns: ["age"], data: [] } }, sig), "no rows");
    bad(() => parseScoringJson({ dataframe_records: [] }, sig), "no rows");
    bad(() => parseScoringJson({ instances: [] }, sig), "no rows");
    bad(() => parseScoringJson({ inputs: { age: [], income: [], member: [], city: [] } }, sig), "no rows");
    bad(() => parseScoringJson({ instances: expected }, sig, { maxRows: 1 }), "at most 1 rows per request");
    assert.equal(parseScoringJson({ instances: expected }, sig, { maxRows: 2 }).numRows, 2);
  });

  it("names missing columns", () => {
    bad(
      () => parseScoringJson({ dataframe_split: { columns: ["age", "income"], data: [[1, 2]] } }, sig),
      "Model is missing inputs ['member', 'city']",
    );
    bad(() => parseScoringJson({ dataframe_records: [{ age: 1, income: 2, member: true }] }, sig), "'city'");
  });

  it("names column and row for wrong types", () => {
    const rec = (over: Record<string, unknown>) => ({
      dataframe_records: [
        { age: 1, income: 1, member: true, city: "a" },
        { age: 2, income: 2, member: false, city: "b", ...over },
      ],
    });
    bad(() => parseScoringJson(rec({ income: "abc" }), sig), "column 'income'", "row 1", "float", '"abc"');
    bad(() => parseScoringJson(rec({ age: 2.5 }), sig), "column 'age'", "row 1", "int");
    bad(() => parseScoringJson(rec({ age: "2.5" }), sig), "column 'age'", "row 1");
    bad(() => parseScoringJson(rec({ member: "maybe" }), sig), "column 'member'", "row 1", "bool");
    bad(() => parseScoringJson(rec({ member: 2 }), sig), "column 'member'", "row 1");
    bad(() => parseScoringJson(rec({ income: true }), sig), "column 'income'", "row 1");
    bad(() => parseScoringJson(rec({ city: { a: 1 } }), sig), "column 'city'", "row 1", "string");
    bad(() => parseScoringJson(rec({ income: "0x10" }), sig), "column 'income'");
    bad(() => parseScoringJson(rec({ income: "Infinity" }), sig), "column 'income'");
  });

  it("keeps nulls, missing keys and null tokens as null", () => {
    const t = parseScoringJson(
      {
        dataframe_records: [
          { age: null, income: "", member: null, city: null },
          { income: "NaN", member: "None", city: "x" },
          { age: 3, income: 4, member: true, city: "y" },
        ],
      },
      sig,
    );
    assert.deepEqual(rows(t), [
      [null, null, null, null],
      [null, null, null, "x"],
      [3, 4, true, "y"],
    ]);
    const age = t.column("age");
    assert.ok(age?.type === "int" && Number.isNaN(age.values[0]));
    const city = t.column("city");
    assert.ok(city?.type === "string" && city.codes[0] === -1);
  });

  it("converts numeric strings, bool words and numbers for string columns", () => {
    const t = parseScoringJson(
      {
        dataframe_split: {
          columns: ["age", "income", "member", "city"],
          data: [
            ["42", " -1.5e2 ", "Yes", 7],
            [" 7 ", ".5", "no", 2.5],
            ["0", "3", 1, true],
            ["-0", "+4", "TRUE", ""],
            ["1e2", "0.", "f", "paris"],
          ],
        },
      },
      sig,
    );
    assert.deepEqual(rows(t), [
      [42, -150, true, "7"],
      [7, 0.5, false, "2.5"],
      [0, 3, true, "true"],
      [-0, 4, true, ""],
      [100, 0, false, "paris"],
    ]);
  });

  it("passes unseen categories through as strings", () => {
    const t = parseScoringJson({ instances: [[1, 1, true, "atlantis"]] }, sig);
    const city = t.column("city");
    assert.ok(city?.type === "string");
    assert.deepEqual(city.dictionary, ["atlantis"]);
  });

  it("reads timestamps from epoch ms or ISO text", () => {
    const ts: ModelSignature = { task: "regression", inputs: [{ name: "at", type: "timestamp" }] };
    const t = parseScoringJson({ inputs: { at: [0, "2024-01-02", "2024-01-02T03:04:05Z", null] } }, ts);
    assert.deepEqual(rows(t), [[0], [Date.UTC(2024, 0, 2)], [Date.UTC(2024, 0, 2, 3, 4, 5)], [null]]);
    bad(() => parseScoringJson({ inputs: { at: ["yesterday"] } }, ts), "column 'at'", "row 0", "timestamp");
  });

  it("handles input names that are Object.prototype keys", () => {
    const s: ModelSignature = { task: "regression", inputs: [{ name: "constructor", type: "float" }] };
    bad(() => parseScoringJson({ dataframe_records: [{ x: 1 }] }, s), "'constructor'");
    assert.deepEqual(rows(parseScoringJson({ dataframe_records: [{ constructor: 2 }] }, s)), [[2]]);
  });
});

describe("parseScoringCsv", () => {
  it("reads a header and rows, ignoring extra columns", () => {
    const t = parseScoringCsv(",city,age,income,member\n0,paris,30,1.5,true\r\n1,tokyo,41,2,False\n", sig);
    assert.deepEqual(rows(t), [
      [30, 1.5, true, "paris"],
      [41, 2, false, "tokyo"],
    ]);
  });

  it("handles quotes, embedded commas, quotes and newlines, blanks and BOM", () => {
    const csv = '\ufeffage,income,member,city\n1,"2.5",yes,"a, ""b"""\n\n2,,,"line\nbreak"\n3,4,no,""\n';
    const t = parseScoringCsv(csv, sig);
    assert.deepEqual(rows(t), [
      [1, 2.5, true, 'a, "b"'],
      [2, null, null, "line\nbreak"],
      [3, 4, false, null],
    ]);
  });

  it("names column and row for bad cells, and the line for ragged rows", () => {
    bad(() => parseScoringCsv("age,income,member,city\n1,2,yes,a\n2,abc,no,b\n", sig), "column 'income'", "row 1");
    bad(() => parseScoringCsv("age,income,member,city\n1,2,yes\n", sig), "Row 0", "line 2", "3 fields");
    bad(() => parseScoringCsv('age,income,member,city\n1,2,yes,"a\n', sig), "Unterminated");
    bad(() => parseScoringCsv('age,income,member,city\n1,2,yes,"a"b\n', sig), "closing quote");
  });

  it("needs a header, the inputs and at least one row", () => {
    bad(() => parseScoringCsv("", sig), "header");
    bad(() => parseScoringCsv("age,income,member,city\n", sig), "no rows");
    bad(() => parseScoringCsv("age,income\n1,2\n", sig), "missing inputs ['member', 'city']");
    bad(() => parseScoringCsv("age,income,member,city\n1,2,yes,a\n3,4,no,b\n", sig, { maxRows: 1 }), "at most 1");
  });

  it("handles a trailing empty field and no final newline", () => {
    const t = parseScoringCsv("age,income,member,city\n1,2,yes,", sig);
    assert.deepEqual(rows(t), [[1, 2, true, null]]);
  });
});

describe("formatPredictions", () => {
  it("labels binary scores at the threshold with the positive class", () => {
    const out = formatPredictions(new Float64Array([0.2, 0.5, 0.9]), { ...sig, threshold: 0.5 });
    assert.deepEqual(out, {
      predictions: [
        { probability: 0.2, label: "not yes" },
        { probability: 0.5, label: "yes" },
        { probability: 0.9, label: "yes" },
      ],
    });
    const custom = formatPredictions(new Float64Array([0.2]), sig, { negativeClass: "no" });
    assert.deepEqual(custom.predictions, [{ probability: 0.2, label: "no" }]);
  });

  it("uses 1/0 labels and a 0.5 default threshold without positive class or threshold", () => {
    const out = formatPredictions(new Float64Array([0.49, 0.5]), { task: "binary", inputs: [] });
    assert.deepEqual(out.predictions, [
      { probability: 0.49, label: 0 },
      { probability: 0.5, label: 1 },
    ]);
    const high = formatPredictions(new Float64Array([0.7]), { task: "binary", inputs: [], threshold: 0.8 });
    assert.deepEqual(high.predictions, [{ probability: 0.7, label: 0 }]);
  });

  it("returns regression values as a list", () => {
    const out = formatPredictions(new Float64Array([1.5, -2]), { task: "regression", inputs: [] });
    assert.deepEqual(out, { predictions: [1.5, -2] });
    assert.equal(JSON.stringify(out), '{"predictions":[1.5,-2]}');
  });
});
