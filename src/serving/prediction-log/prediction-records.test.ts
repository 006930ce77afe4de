import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Table } from "../../data/table.js";
import { tableFromColumns } from "../../data/test-support/build-table.js";
import type { ModelSignature } from "../../learn/package/model-package.js";
import type { ScoredBatch } from "./prediction-logger.js";
import { labeler, tableInputs, toPredictionRecords } from "./prediction-records.js";

const binary: ModelSignature = {
  task: "binary",
  inputs: [],
  positive_class: "Yes",
  negative_class: "No",
  threshold: 0.5,
};

function batch({ table, ...more }: Partial<ScoredBatch> & Pick<ScoredBatch, "scores"> & { table: Table }): ScoredBatch {
  return {
    inputs: tableInputs(table),
    deployment: "churn-prod",
    requestId: "req-1",
    variant: "primary",
    shadow: false,
    modelName: "churn",
    modelVersion: "4",
    signature: binary,
    time: 1_700_000_000_000,
    latencyMs: 2.5,
    ...more,
  };
}

describe("toPredictionRecords", () => {
  test("inputs are a JSON object of the row's values: strings, numbers, nulls, bools, timestamps", () => {
    const table = tableFromColumns(
      {
        customerID: ["7590-VHVEG", 'quote " and \\ and ünïcode', null],
        tenure: [1, 34, null],
        MonthlyCharges: [29.85, Number.NaN, 1e21],
        Partner: [true, false, null],
        signup: [new Date("2024-01-02T03:04:05.678Z"), null, new Date(0)],
        'we"ird': ["x", "y", "z"],
      },
      { tenure: "int", MonthlyCharges: "float", signup: "timestamp" },
    );
    const records = toPredictionRecords(batch({ table, scores: new Float64Array([0.1, 0.2, 0.3]) }));
    assert.deepEqual(
      records.map((r) => JSON.parse(r.inputs)),
      [
        {
          customerID: "7590-VHVEG",
          tenure: 1,
          MonthlyCharges: 29.85,
          Partner: true,
          signup: "2024-01-02T03:04:05.678Z",
          'we"ird': "x",
        },
        {
          customerID: 'quote " and \\ and ünïcode',
          tenure: 34,
          MonthlyCharges: null,
          Partner: false,
          signup: null,
          'we"ird': "y",
        },
        {
          customerID: null,
          tenure: null,
          MonthlyCharges: 1e21,
          Partner: null,
          signup: "1970-01-01T00:00:00.000Z",
          'we"ird': "z",
        },
      ],
    );
    // Column order is kept, so the text is stable for the same row.
    assert.equal(
      records[0]?.inputs,
      '{"customerID":"7590-VHVEG","tenure":1,"MonthlyCharges":29.85,"Partner":true,' +
        '"signup":"2024-01-02T03:04:05.678Z","we\\"ird":"x"}',
    );
  });

  test("a table without columns logs an empty object", () => {
    const table = tableFromColumns({});
    assert.equal(table.numRows, 0);
    assert.deepEqual(toPredictionRecords(batch({ table, scores: new Float64Array(0) })), []);
  });

  test("a rows subset maps each score to its table row, inputs and routing key", () => {
    const table = tableFromColumns({ id: ["a", "b", "c"], x: [10, 20, 30] });
    const records = toPredictionRecords(
      batch({
        table,
        rows: Int32Array.of(2, 0),
        scores: Float64Array.of(0.9, 0.1),
        routingKeys: ["key-a", undefined, "key-c"],
        variant: "candidate",
        shadow: true,
      }),
    );
    assert.deepEqual(
      records.map((r) => ({ row: r.row, inputs: r.inputs, score: r.score, label: r.label, key: r.routingKey })),
      [
        { row: 2, inputs: '{"id":"c","x":30}', score: 0.9, label: "Yes", key: "key-c" },
        { row: 0, inputs: '{"id":"a","x":10}', score: 0.1, label: "No", key: "key-a" },
      ],
    );
    assert.deepEqual(records[0], {
      deployment: "churn-prod",
      requestId: "req-1",
      row: 2,
      variant: "candidate",
      shadow: true,
      modelName: "churn",
      modelVersion: "4",
      routingKey: "key-c",
      inputs: '{"id":"c","x":30}',
      score: 0.9,
      label: "Yes",
      time: 1_700_000_000_000,
      latencyMs: 2.5,
    });
  });

  test("a missing per-row routing key is left out; a header key applies to every row", () => {
    const table = tableFromColumns({ x: [1, 2] });
    const perRow = toPredictionRecords(batch({ table, scores: Float64Array.of(0, 1), routingKeys: [undefined, "k"] }));
    assert.equal("routingKey" in (perRow[0] as object), false);
    assert.equal(perRow[1]?.routingKey, "k");
    const header = toPredictionRecords(batch({ table, scores: Float64Array.of(0, 1), routingKey: "tenant-9" }));
    assert.deepEqual(
      header.map((r) => r.routingKey),
      ["tenant-9", "tenant-9"],
    );
    const none = toPredictionRecords(batch({ table, scores: Float64Array.of(0, 1) }));
    assert.equal(
      none.some((r) => "routingKey" in r),
      false,
    );
  });

  test("a row index outside the table is refused", () => {
    const table = tableFromColumns({ x: [1, 2] });
    assert.throws(
      () => toPredictionRecords(batch({ table, rows: Int32Array.of(0, 2), scores: Float64Array.of(0, 1) })),
      /request row 2/,
    );
  });
});

describe("labeler", () => {
  test("binary labels at the threshold use the class names", () => {
    const label = labeler(binary);
    assert.deepEqual([0.2, 0.5, 0.9, Number.NaN].map(label), ["No", "Yes", "Yes", "No"]);
  });

  test("a custom threshold moves the boundary", () => {
    const label = labeler({ ...binary, threshold: 0.3 });
    assert.deepEqual([0.29, 0.3, 0.31].map(label), ["No", "Yes", "Yes"]);
  });

  test("without a negative class the negative label is `not <positive>`; without classes 1 / 0", () => {
    assert.equal(labeler({ task: "binary", inputs: [], positive_class: "Churn" })(0.1), "not Churn");
    const plain = labeler({ task: "binary", inputs: [] });
    assert.deepEqual([0.49, 0.5].map(plain), ["0", "1"]);
  });

  test("regression labels are the value as text", () => {
    const label = labeler({ task: "regression", inputs: [] });
    assert.deepEqual([12.5, -3, 0].map(label), ["12.5", "-3", "0"]);
  });
});
