import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { tableFromColumns } from "../../data/test-support/build-table.js";
import { decodeMlflowResponse, encodeMlflowRequest } from "./mlflow-codec.js";

describe("MLflow scoring client codec", () => {
  test("a batch goes out as dataframe_split in signature order, missing values null", () => {
    const table = tableFromColumns(
      { extra: [1, 2], flag: [true, null], name: ["a", null], x: [0.5, Number.NaN] },
      { extra: "float", flag: "bool", name: "string", x: "float" },
    );
    const inputs = [
      { name: "x", type: "float" as const },
      { name: "name", type: "string" as const },
      { name: "flag", type: "bool" as const },
      { name: "absent", type: "int" as const, optional: true },
    ];
    assert.deepEqual(JSON.parse(encodeMlflowRequest(table, inputs)), {
      dataframe_split: {
        columns: ["x", "name", "flag", "absent"],
        data: [
          [0.5, "a", true, null],
          [null, null, null, null],
        ],
      },
    });
    assert.throws(
      () => encodeMlflowRequest(table, [{ name: "gone", type: "float" }]),
      /Input column 'gone' is missing/,
    );
  });

  test("predictions as numbers, predict_proba rows, the platform's records, DataFrame records, MLflow 1.x bare lists", () => {
    const binary = { kind: "binary" as const, classes: ["No", "Yes"] };
    assert.deepEqual([...decodeMlflowResponse({ predictions: [0.1, 0.8] }, 2, binary, "h")], [0.1, 0.8]);
    assert.deepEqual(
      [
        ...decodeMlflowResponse(
          {
            predictions: [
              [0.9, 0.1],
              [0.2, 0.8],
            ],
          },
          2,
          binary,
          "h",
        ),
      ],
      [0.1, 0.8],
    );
    const own = { predictions: [{ probability: 0.3, label: "No" }] };
    assert.deepEqual([...decodeMlflowResponse(own, 1, binary, "h")], [0.3]);
    assert.deepEqual([...decodeMlflowResponse({ predictions: [{ No: 0.4, Yes: 0.6 }] }, 1, binary, "h")], [0.6]);
    assert.deepEqual([...decodeMlflowResponse([1.5, 2.5], 2, { kind: "regression" }, "h")], [1.5, 2.5]);
    const multi = { kind: "multiclass" as const, classes: ["a", "b", "c"] };
    const records = { predictions: [{ label: "c", probability: 0.5, probabilities: { c: 0.5, a: 0.2, b: 0.3 } }] };
    assert.deepEqual([...decodeMlflowResponse(records, 1, multi, "h")], [0.2, 0.3, 0.5]);
    assert.deepEqual([...decodeMlflowResponse({ predictions: [[0.1, 0.1, 0.8]] }, 1, multi, "h")], [0.1, 0.1, 0.8]);
  });

  test("answers that do not fit are 502s naming the problem", () => {
    const code = (pattern: RegExp) => (e: Error & { code?: string }) =>
      e.code === "BAD_GATEWAY" && pattern.test(e.message);
    const b = { kind: "binary" as const };
    assert.throws(() => decodeMlflowResponse({ outputs: [] }, 1, b, "h"), code(/no 'predictions' list/));
    assert.throws(() => decodeMlflowResponse({ predictions: [0.1] }, 2, b, "h"), code(/1 predictions for 2 rows/));
    assert.throws(() => decodeMlflowResponse({ predictions: ["Yes"] }, 1, b, "h"), code(/text \("Yes"\)/));
    assert.throws(
      () => decodeMlflowResponse({ predictions: [[0.1, 0.9], [1]] }, 2, b, "h"),
      code(/rows of 2 and 1 scores/),
    );
    assert.throws(
      () => decodeMlflowResponse({ predictions: [{ label: "x" }] }, 1, b, "h"),
      code(/no numeric field \(label\)/),
    );
    assert.throws(
      () =>
        decodeMlflowResponse({ predictions: [[0.1, 0.9]] }, 1, { kind: "multiclass", classes: ["a", "b", "c"] }, "h"),
      code(/2 scores per row for a model of 3 classes/),
    );
  });
});
