import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { tableFromColumns } from "../../data/test-support/build-table.js";
import type { SignatureInput } from "../../learn/package/model-package.js";
import {
  decodeOipResponse,
  encodeOipRequest,
  inputsFromMetadata,
  kindFromMetadata,
  parseOipMetadata,
  planInputs,
} from "./oip-codec.js";

const INPUTS: SignatureInput[] = [
  { name: "tenure", type: "float" },
  { name: "contract", type: "string" },
  { name: "senior", type: "bool" },
  { name: "signed", type: "timestamp" },
];

const table = () =>
  tableFromColumns(
    {
      tenure: [1.5, null, 3],
      contract: ["Month", "Two year", null],
      senior: [true, false, null],
      signed: [Date.UTC(2024, 0, 2), null, 0],
    },
    { tenure: "float", contract: "string", senior: "bool", signed: "timestamp" },
  );

describe("OIP v2 client codec", () => {
  test("one tensor per column: the endpoint's datatypes, BYTES for text, null for missing values", () => {
    const meta = parseOipMetadata(
      {
        inputs: [
          { name: "tenure", datatype: "FP32", shape: [-1] },
          { name: "contract", datatype: "BYTES", shape: [-1] },
          { name: "senior", datatype: "BOOL", shape: [-1, 1] },
          { name: "signed", datatype: "BYTES", shape: [-1] },
        ],
        outputs: [],
      },
      "h",
    );
    const plan = planInputs(INPUTS, meta, "h");
    const body = JSON.parse(encodeOipRequest(table(), INPUTS, plan));
    assert.deepEqual(body.parameters, { content_type: "pd" });
    assert.deepEqual(body.inputs, [
      { name: "tenure", shape: [3], datatype: "FP32", data: [1.5, null, 3] },
      { name: "contract", shape: [3], datatype: "BYTES", data: ["Month", "Two year", null] },
      { name: "senior", shape: [3], datatype: "BOOL", data: [true, false, null] },
      {
        name: "signed",
        shape: [3],
        datatype: "BYTES",
        data: ["2024-01-02T00:00:00.000Z", null, "1970-01-01T00:00:00.000Z"],
      },
    ]);
  });

  test("without metadata inputs the defaults go out: FP64, BYTES, BOOL", () => {
    const plan = planInputs(INPUTS, { inputs: [], outputs: [] }, "h");
    assert.deepEqual(plan, {
      layout: "columns",
      datatypes: ["FP64", "BYTES", "BOOL", "BYTES"],
      kinds: ["num", "text", "bool", "text"],
    });
  });

  test("a single [-1, k] tensor takes the batch as a row-major matrix", () => {
    const inputs: SignatureInput[] = [
      { name: "a", type: "float" },
      { name: "b", type: "int" },
    ];
    const meta = parseOipMetadata({ inputs: [{ name: "input-0", datatype: "FP64", shape: [-1, 2] }] }, "h");
    const plan = planInputs(inputs, meta, "h");
    const body = JSON.parse(encodeOipRequest(tableFromColumns({ a: [1, 2], b: [3, null] }), inputs, plan));
    assert.deepEqual(body.inputs, [{ name: "input-0", shape: [2, 2], datatype: "FP64", data: [1, 3, 2, null] }]);
    assert.equal(inputsFromMetadata(meta), undefined, "a matrix does not name its columns");
  });

  test("inputs the endpoint does not take, and datatypes JSON cannot carry, are refused at planning", () => {
    const meta = parseOipMetadata(
      {
        inputs: [
          { name: "x", datatype: "FP32", shape: [-1] },
          { name: "y", datatype: "FP32", shape: [-1] },
        ],
      },
      "h:1",
    );
    assert.throws(
      () => planInputs(INPUTS, meta, "h:1"),
      /takes inputs x, y; the signature's tenure, contract, senior, signed are not among them/,
    );
    const half = parseOipMetadata({ inputs: [{ name: "tenure", datatype: "FP16", shape: [-1] }] }, "h");
    assert.throws(() => planInputs([{ name: "tenure", type: "float" }], half, "h"), /FP16, which JSON cannot carry/);
  });

  test("metadata names columns and, with the platform's output names, the kind", () => {
    const meta = parseOipMetadata(
      {
        inputs: [
          { name: "n", datatype: "INT64", shape: [-1] },
          { name: "s", datatype: "BYTES", shape: [-1] },
          { name: "f", datatype: "FP32", shape: [-1] },
        ],
        outputs: [
          { name: "probabilities", datatype: "FP64", shape: [-1, 3] },
          { name: "label", datatype: "BYTES", shape: [-1] },
        ],
      },
      "h",
    );
    assert.deepEqual(inputsFromMetadata(meta), [
      { name: "n", type: "int" },
      { name: "s", type: "string" },
      { name: "f", type: "float" },
    ]);
    assert.deepEqual(kindFromMetadata(meta), { task: "multiclass", classes: ["0", "1", "2"] });
    assert.deepEqual(kindFromMetadata(parseOipMetadata({ outputs: [{ name: "probability", shape: [-1] }] }, "h")), {
      task: "binary",
    });
    assert.deepEqual(kindFromMetadata(parseOipMetadata({ outputs: [{ name: "prediction", shape: [-1] }] }, "h")), {
      task: "regression",
    });
    assert.equal(kindFromMetadata(parseOipMetadata({ outputs: [{ name: "output-0", shape: [-1] }] }, "h")), undefined);
  });

  test("answers: P(positive) from [n] or [n, 2], values, class probabilities, nested data", () => {
    const binary = { kind: "binary" as const };
    const flat = {
      outputs: [
        { name: "label", datatype: "BYTES", shape: [2], data: ["No", "Yes"] },
        { name: "probability", datatype: "FP64", shape: [2], data: [0.2, null] },
      ],
    };
    assert.deepEqual([...decodeOipResponse(flat, 2, binary, undefined, "h")], [0.2, Number.NaN]);
    const pairs = {
      outputs: [
        {
          name: "output-0",
          datatype: "FP32",
          shape: [2, 2],
          data: [
            [0.7, 0.3],
            [0.1, 0.9],
          ],
        },
      ],
    };
    assert.deepEqual([...decodeOipResponse(pairs, 2, binary, undefined, "h")], [0.3, 0.9]);
    const reg = { outputs: [{ name: "predict", datatype: "FP64", shape: [2, 1], data: [5, "6.5"] }] };
    assert.deepEqual([...decodeOipResponse(reg, 2, { kind: "regression" }, undefined, "h")], [5, 6.5]);
    const multi = { outputs: [{ name: "probabilities", datatype: "FP64", shape: [1, 3], data: [0.2, 0.3, 0.5] }] };
    assert.deepEqual(
      [...decodeOipResponse(multi, 1, { kind: "multiclass", classes: ["a", "b", "c"] }, undefined, "h")],
      [0.2, 0.3, 0.5],
    );
    const named = {
      outputs: [
        { name: "a", datatype: "FP64", shape: [1], data: [0.1] },
        { name: "b", datatype: "FP64", shape: [1], data: [0.8] },
      ],
    };
    assert.deepEqual([...decodeOipResponse(named, 1, binary, "b", "h")], [0.8]);
  });

  test("answers that do not fit are 502s naming the endpoint and the problem", () => {
    const code = (pattern: RegExp) => (e: Error & { code?: string }) =>
      e.code === "BAD_GATEWAY" && pattern.test(e.message);
    const b = { kind: "binary" as const };
    assert.throws(
      () => decodeOipResponse({}, 1, b, undefined, "h:9"),
      code(/The remote model at h:9 answered no 'outputs' list/),
    );
    assert.throws(
      () =>
        decodeOipResponse(
          { outputs: [{ name: "p", datatype: "FP64", shape: [2], data: [1, 2] }] },
          3,
          b,
          undefined,
          "h",
        ),
      code(/shape \[2\] for 3 rows/),
    );
    assert.throws(
      () =>
        decodeOipResponse(
          { outputs: [{ name: "label", datatype: "BYTES", shape: [1], data: ["Yes"] }] },
          1,
          b,
          undefined,
          "h",
        ),
      code(/no numeric output \(outputs: label\)/),
    );
    assert.throws(
      () =>
        decodeOipResponse(
          { outputs: [{ name: "label", datatype: "BYTES", shape: [1], data: ["Yes"] }] },
          1,
          b,
          "label",
          "h",
        ),
      code(/text \("Yes"\) where scores were expected/),
    );
    assert.throws(
      () =>
        decodeOipResponse(
          { outputs: [{ name: "p", datatype: "FP64", shape: [1, 3], data: [1, 2, 3] }] },
          1,
          b,
          undefined,
          "h",
        ),
      code(/3 scores per row/),
    );
    assert.throws(
      () => decodeOipResponse({ outputs: [{ name: "p", datatype: "FP64", shape: [1], data: [1] }] }, 1, b, "q", "h"),
      code(/no output 'q'/),
    );
  });
});
