import assert from "node:assert/strict";
import { test } from "node:test";
import { MwError } from "../../../core/errors.js";
import type { Column, NumericColumn, StringColumn } from "../../../data/table.js";
import { valueAt } from "../../../data/table.js";
import type { V2Signature } from "./datatypes.js";
import { formatV2InferResponse, parseV2InferRequest, v2ModelMetadata } from "./index.js";

const SIG: V2Signature = {
  task: "binary",
  inputs: [
    { name: "tenure", type: "int" },
    { name: "charges", type: "float" },
    { name: "senior", type: "bool" },
    { name: "contract", type: "string", categories: ["Month-to-month", "One year"] },
    { name: "signup", type: "timestamp" },
  ],
  label: "Churn",
  positive_class: "Yes",
  negative_class: "No",
  threshold: 0.5,
};

const REG: V2Signature = { task: "regression", inputs: [{ name: "x", type: "float" }] };

function tensor(name: string, datatype: string, data: unknown, shape?: number[]) {
  return { name, datatype, shape: shape ?? [Array.isArray(data) ? data.length : 0], data };
}

function twoRows() {
  return [
    tensor("tenure", "INT64", [1, 24]),
    tensor("charges", "FP64", [29.85, 56.95]),
    tensor("senior", "BOOL", [false, true]),
    tensor("contract", "BYTES", ["Month-to-month", "One year"]),
    tensor("signup", "BYTES", ["2020-01-01T00:00:00Z", "2021-06-01T00:00:00Z"]),
  ];
}

function values(c: Column | undefined): unknown[] {
  assert.ok(c);
  return Array.from({ length: c.length }, (_, i) => valueAt(c, i));
}

function throwsBad(fn: () => unknown, includes: string[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof MwError, String(e));
    assert.equal(e.code, "BAD_REQUEST");
    assert.equal(e.status, 400);
    for (const s of includes) assert.ok(e.message.includes(s), `'${e.message}' lacks '${s}'`);
    return true;
  });
}

test("metadata: one [-1] tensor per column with the datatype mapping; binary outputs", () => {
  const md = v2ModelMetadata("churn", "3", SIG);
  assert.deepEqual(md, {
    name: "churn",
    versions: ["3"],
    platform: "modelworks",
    inputs: [
      { name: "tenure", datatype: "INT64", shape: [-1] },
      { name: "charges", datatype: "FP64", shape: [-1] },
      { name: "senior", datatype: "BOOL", shape: [-1] },
      { name: "contract", datatype: "BYTES", shape: [-1] },
      { name: "signup", datatype: "BYTES", shape: [-1] },
    ],
    outputs: [
      { name: "probability", datatype: "FP64", shape: [-1] },
      { name: "label", datatype: "BYTES", shape: [-1] },
    ],
  });
  const { negative_class: _, ...noNames } = SIG;
  assert.equal(v2ModelMetadata("churn", "3", noNames).outputs[1]?.datatype, "INT64");
  const reg = v2ModelMetadata("house", "1", REG, "custom");
  assert.equal(reg.platform, "custom");
  assert.deepEqual(reg.outputs, [{ name: "prediction", datatype: "FP64", shape: [-1] }]);
});

test("parse: one tensor per column, every datatype mapping, id and extra tensors", () => {
  const inputs = [tensor("ignored", "FP32", [1, 2]), ...twoRows().reverse()];
  const r = parseV2InferRequest({ id: "42", parameters: { a: 1 }, inputs }, SIG);
  assert.equal(r.id, "42");
  assert.equal(r.requestedOutputs, undefined);
  assert.deepEqual(r.table.columnNames, ["tenure", "charges", "senior", "contract", "signup"]);
  assert.equal(r.table.numRows, 2);
  assert.deepEqual(values(r.table.column("tenure")), [1, 24]);
  assert.deepEqual(values(r.table.column("charges")), [29.85, 56.95]);
  assert.deepEqual(values(r.table.column("senior")), [false, true]);
  assert.deepEqual(values(r.table.column("contract")), ["Month-to-month", "One year"]);
  assert.deepEqual(values(r.table.column("signup")), [Date.parse("2020-01-01T00:00:00Z"), Date.parse("2021-06-01")]);
  assert.equal(r.table.column("tenure")?.type, "int");
  assert.equal(r.table.column("signup")?.type, "timestamp");
});

test("parse: numeric datatypes INT8..UINT64, FP16/32 all feed numeric columns; BYTES numeric strings too", () => {
  for (const dt of ["INT8", "INT16", "INT32", "UINT8", "UINT16", "UINT32", "UINT64", "FP16", "FP32", "BF16"]) {
    const r = parseV2InferRequest({ inputs: [tensor("x", dt, [3])] }, REG);
    assert.deepEqual(values(r.table.column("x")), [3], dt);
  }
  const r = parseV2InferRequest({ inputs: [tensor("x", "BYTES", ["1.5", " 2 ", "", null])] }, REG);
  assert.deepEqual(values(r.table.column("x")), [1.5, 2, null, null]);
  const ts = parseV2InferRequest(
    { inputs: [tensor("t", "INT64", [0])] },
    { task: "regression", inputs: [{ name: "t", type: "timestamp" }] },
  );
  assert.deepEqual(values(ts.table.column("t")), [0]);
  const b = parseV2InferRequest(
    { inputs: [tensor("b", "BYTES", ["true", "0"])] },
    { task: "regression", inputs: [{ name: "b", type: "bool" }] },
  );
  assert.deepEqual(values(b.table.column("b")), [true, false]);
});

test("parse: shape [n, 1] and nested data", () => {
  const r = parseV2InferRequest(
    {
      inputs: [
        tensor("tenure", "INT64", [[1], [24]], [2, 1]),
        tensor("charges", "FP64", [[29.85], [56.95]], [2, 1]),
        tensor("senior", "BOOL", [false, true], [2, 1]),
        tensor("contract", "BYTES", [["a"], ["b"]], [2, 1]),
        tensor("signup", "BYTES", [[null], ["2020-01-01"]], [2, 1]),
      ],
    },
    SIG,
  );
  assert.equal(r.table.numRows, 2);
  assert.deepEqual(values(r.table.column("charges")), [29.85, 56.95]);
  assert.deepEqual(values(r.table.column("contract")), ["a", "b"]);
  assert.deepEqual(values(r.table.column("signup")), [null, Date.parse("2020-01-01")]);
});

test("parse: nulls become missing values in every column type", () => {
  const r = parseV2InferRequest(
    {
      inputs: [
        tensor("tenure", "INT64", [null, 2]),
        tensor("charges", "FP64", [1, null]),
        tensor("senior", "BOOL", [null, true]),
        tensor("contract", "BYTES", [null, "x"]),
        tensor("signup", "BYTES", ["", "2020-01-01"]),
      ],
    },
    SIG,
  );
  const tenure = r.table.column("tenure") as NumericColumn;
  assert.ok(Number.isNaN(tenure.values[0]));
  assert.deepEqual(Array.from(tenure.nulls ?? []), [1, 0]);
  assert.deepEqual(values(r.table.column("charges")), [1, null]);
  assert.deepEqual(values(r.table.column("senior")), [null, true]);
  const contract = r.table.column("contract") as StringColumn;
  assert.deepEqual(Array.from(contract.codes), [-1, 0]);
  assert.deepEqual(values(contract), [null, "x"]);
  assert.deepEqual(values(r.table.column("signup")), [null, Date.parse("2020-01-01")]);
  // No nulls → no null mask.
  const clean = parseV2InferRequest({ inputs: twoRows() }, SIG);
  assert.equal(clean.table.column("charges")?.nulls, undefined);
});

test("parse: string dictionary stays correct past the linear-scan size", () => {
  const data = Array.from({ length: 100 }, (_, i) => `c${i % 40}`);
  const r = parseV2InferRequest(
    { inputs: [tensor("s", "BYTES", data)] },
    { task: "regression", inputs: [{ name: "s", type: "string" }] },
  );
  const c = r.table.column("s") as StringColumn;
  assert.equal(c.dictionary.length, 40);
  assert.deepEqual(values(c), data);
});

test("parse: a single [n, k] tensor in signature order, FP64 and BYTES, flat and nested", () => {
  const sig: V2Signature = {
    task: "binary",
    inputs: [
      { name: "a", type: "float" },
      { name: "b", type: "int" },
      { name: "c", type: "bool" },
    ],
  };
  const fp = parseV2InferRequest({ inputs: [tensor("input", "FP64", [0.5, 1, 1, 1.5, 2, 0], [2, 3])] }, sig);
  assert.deepEqual(values(fp.table.column("a")), [0.5, 1.5]);
  assert.deepEqual(values(fp.table.column("b")), [1, 2]);
  assert.deepEqual(values(fp.table.column("c")), [true, false]);
  const nested = parseV2InferRequest(
    {
      inputs: [
        tensor(
          "input",
          "FP64",
          [
            [0.5, 1, 1],
            [null, 2, 0],
          ],
          [2, 3],
        ),
      ],
    },
    sig,
  );
  assert.deepEqual(values(nested.table.column("a")), [0.5, null]);
  const sig2: V2Signature = { task: "binary", inputs: [...SIG.inputs] };
  const bytes = parseV2InferRequest(
    { inputs: [tensor("input", "BYTES", [["3", 1.25, "true", "One year", "2020-01-01"]], [1, 5])] },
    sig2,
  );
  assert.deepEqual(values(bytes.table.column("tenure")), [3]);
  assert.deepEqual(values(bytes.table.column("charges")), [1.25]);
  assert.deepEqual(values(bytes.table.column("senior")), [true]);
  assert.deepEqual(values(bytes.table.column("contract")), ["One year"]);
  assert.deepEqual(values(bytes.table.column("signup")), [Date.parse("2020-01-01")]);
  // A numeric single tensor cannot carry a string column.
  throwsBad(
    () => parseV2InferRequest({ inputs: [tensor("input", "FP64", [1, 2, 0, 1, 5], [1, 5])] }, sig2),
    ["'input'", "contract", "BYTES"],
  );
});

test("parse: requested outputs", () => {
  const r = parseV2InferRequest({ inputs: twoRows(), outputs: [{ name: "label" }] }, SIG);
  assert.deepEqual(r.requestedOutputs, ["label"]);
  assert.equal(parseV2InferRequest({ inputs: twoRows(), outputs: [] }, SIG).requestedOutputs, undefined);
  throwsBad(() => parseV2InferRequest({ inputs: twoRows(), outputs: [{ name: "prediction" }] }, SIG), ["'prediction'"]);
});

test("parse errors: body, empty inputs, missing input, shapes, datatypes, element counts, maxRows", () => {
  throwsBad(() => parseV2InferRequest(null, SIG), ["JSON object"]);
  throwsBad(() => parseV2InferRequest([1], SIG), ["JSON object"]);
  throwsBad(() => parseV2InferRequest("x", SIG), ["JSON object"]);
  throwsBad(() => parseV2InferRequest({}, SIG), ["'inputs'"]);
  throwsBad(() => parseV2InferRequest({ inputs: [] }, SIG), ["empty", "tenure"]);
  throwsBad(() => parseV2InferRequest({ inputs: [1] }, SIG), ["inputs[0]"]);
  throwsBad(() => parseV2InferRequest({ id: 7, inputs: twoRows() }, SIG), ["'id'"]);
  throwsBad(
    () => parseV2InferRequest({ inputs: twoRows().filter((t) => t.name !== "senior") }, SIG),
    ["Missing input tensor 'senior'"],
  );
  const mismatch = twoRows();
  mismatch[3] = tensor("contract", "BYTES", ["a", "b", "c"]);
  throwsBad(() => parseV2InferRequest({ inputs: mismatch }, SIG), ["'contract'", "3 rows", "'tenure' has 2"]);
  const wide = twoRows();
  wide[1] = tensor("charges", "FP64", [1, 2, 3, 4], [2, 2]);
  throwsBad(() => parseV2InferRequest({ inputs: wide }, SIG), ["'charges'", "[2, 2]"]);
  const wrongDt = twoRows();
  wrongDt[3] = tensor("contract", "FP64", [1, 2]);
  throwsBad(() => parseV2InferRequest({ inputs: wrongDt }, SIG), ["'contract'", "FP64", "expects BYTES"]);
  const boolAsInt = twoRows();
  boolAsInt[2] = tensor("senior", "INT64", [0, 1]);
  throwsBad(() => parseV2InferRequest({ inputs: boolAsInt }, SIG), ["'senior'", "expects BOOL"]);
  const numAsBool = twoRows();
  numAsBool[0] = tensor("tenure", "BOOL", [true, false]);
  throwsBad(() => parseV2InferRequest({ inputs: numAsBool }, SIG), ["'tenure'", "INT64"]);
  const unknownDt = twoRows();
  unknownDt[0] = tensor("tenure", "INT128", [1, 2]);
  throwsBad(() => parseV2InferRequest({ inputs: unknownDt }, SIG), ["'tenure'", "INT128"]);
  const badText = twoRows();
  badText[1] = tensor("charges", "BYTES", ["1.0", "abc"]);
  throwsBad(() => parseV2InferRequest({ inputs: badText }, SIG), ["'charges'", "element 1", '"abc"']);
  const strInFp = twoRows();
  strInFp[1] = tensor("charges", "FP64", ["1.0", 2]);
  throwsBad(() => parseV2InferRequest({ inputs: strInFp }, SIG), ["'charges'", "element 0"]);
  const badTs = twoRows();
  badTs[4] = tensor("signup", "BYTES", ["not a date", null]);
  throwsBad(() => parseV2InferRequest({ inputs: badTs }, SIG), ["'signup'", "timestamp"]);
  const count = twoRows();
  count[0] = tensor("tenure", "INT64", [1, 2, 3], [2]);
  throwsBad(() => parseV2InferRequest({ inputs: count }, SIG), ["'tenure'", "3 elements", "needs 2"]);
  const noData = twoRows();
  noData[0] = { name: "tenure", datatype: "INT64", shape: [2], data: "1,2" };
  throwsBad(() => parseV2InferRequest({ inputs: noData }, SIG), ["'tenure'", "'data'"]);
  throwsBad(() => parseV2InferRequest({ inputs: [tensor("x", "FP64", [1, 2, 3], [2, 1])] }, REG), ["3 elements"]);
  throwsBad(
    () => parseV2InferRequest({ inputs: [tensor("input", "FP64", [1, 2, 3, 4, 5], [1, 5])] }, SIG),
    ["'input'"],
  );
  throwsBad(
    () => parseV2InferRequest({ inputs: [tensor("x", "FP64", [1, 2, 3])] }, REG, { maxRows: 2 }),
    ["3 rows", "at most 2"],
  );
});

test("response: binary with class names, all outputs, id echoed", () => {
  const scores = Float64Array.from([0.9, 0.2, 0.5, Number.NaN]);
  const res = formatV2InferResponse(scores, SIG, { modelName: "churn", modelVersion: "3", id: "42" });
  assert.deepEqual(res, {
    model_name: "churn",
    model_version: "3",
    id: "42",
    outputs: [
      { name: "probability", datatype: "FP64", shape: [4], data: [0.9, 0.2, 0.5, null] },
      { name: "label", datatype: "BYTES", shape: [4], data: ["Yes", "No", "Yes", null] },
    ],
  });
  assert.equal(JSON.stringify(res).includes("NaN"), false);
});

test("response: INT64 labels without class names, threshold honoured, requested outputs in order", () => {
  const sig: V2Signature = { task: "binary", inputs: SIG.inputs, positive_class: "Yes", threshold: 0.7 };
  const res = formatV2InferResponse(Float64Array.from([0.6, 0.8]), sig, {
    modelName: "m",
    modelVersion: "1",
    requestedOutputs: ["label", "probability", "label"],
  });
  assert.equal("id" in res, false);
  assert.deepEqual(res.outputs, [
    { name: "label", datatype: "INT64", shape: [2], data: [0, 1] },
    { name: "probability", datatype: "FP64", shape: [2], data: [0.6, 0.8] },
  ]);
  const only = formatV2InferResponse(Float64Array.from([0.6]), SIG, {
    modelName: "m",
    modelVersion: "1",
    requestedOutputs: ["probability"],
  });
  assert.deepEqual(
    only.outputs.map((o) => o.name),
    ["probability"],
  );
  throwsBad(
    () =>
      formatV2InferResponse(Float64Array.from([0.6]), SIG, {
        modelName: "m",
        modelVersion: "1",
        requestedOutputs: ["output-0"],
      }),
    ["'output-0'", "probability, label"],
  );
});

test("response: regression answers prediction only", () => {
  const res = formatV2InferResponse(Float64Array.from([1.5, -2]), REG, { modelName: "house", modelVersion: "2" });
  assert.deepEqual(res, {
    model_name: "house",
    model_version: "2",
    outputs: [{ name: "prediction", datatype: "FP64", shape: [2], data: [1.5, -2] }],
  });
  throwsBad(
    () =>
      formatV2InferResponse(Float64Array.from([1]), REG, {
        modelName: "h",
        modelVersion: "2",
        requestedOutputs: ["label"],
      }),
    ["'label'"],
  );
});

test("round trip: a one-row request parses and formats", () => {
  const body = JSON.parse(
    JSON.stringify({
      id: "r1",
      inputs: twoRows().map((t) => ({ ...t, shape: [1], data: (t.data as unknown[]).slice(0, 1) })),
    }),
  );
  const req = parseV2InferRequest(body, SIG);
  assert.equal(req.table.numRows, 1);
  const res = formatV2InferResponse(new Float64Array(req.table.numRows).fill(0.3), SIG, {
    modelName: "churn",
    modelVersion: "1",
    ...(req.id ? { id: req.id } : {}),
  });
  assert.deepEqual(res.outputs[1]?.data, ["No"]);
});
