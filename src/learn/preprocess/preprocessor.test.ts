import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isMwError } from "../../core/errors.js";
import { tableFromColumns } from "../../data/test-support/build-table.js";
import { featureColumn } from "../feature-matrix.js";
import { fitPreprocessor } from "./fit.js";
import { preprocessorFromJSON } from "./json.js";

const train = tableFromColumns(
  {
    age: [10, 20, null, 40, 30],
    plan: ["b", "a", "c", null, "a"],
    active: [true, false, true, true, null],
    seen: [new Date(0), new Date(1000), new Date(2000), new Date(3000), new Date(4000)],
    id: ["x1", "x2", "x3", "x4", "x5"],
  },
  { age: "int", active: "bool", seen: "timestamp" },
);
const features = ["age", "plan", "active", "seen"];
const linear = fitPreprocessor(train, { features, kind: "linear" });
const tree = fitPreprocessor(train, { features, kind: "tree" });
const col = (m: ReturnType<typeof linear.transform>, name: string) =>
  Array.from(featureColumn(m, m.names.indexOf(name)));

function throwsNaming(run: () => unknown, ...fragments: string[]): void {
  assert.throws(run, (e) => {
    assert.ok(isMwError(e) && e.code === "INVALID_PARAMETER_VALUE", String(e));
    for (const f of fragments) assert.ok(e.message.includes(f), `'${e.message}' lacks '${f}'`);
    return true;
  });
}

describe("fitPreprocessor (linear)", () => {
  it("names one-hot columns by sorted category", () => {
    assert.deepEqual(linear.featureNames, ["age", "plan=a", "plan=b", "plan=c", "active", "seen"]);
    assert.equal(linear.transform(train).categorical, undefined);
  });

  it("imputes the training median, then standardizes with training mean and population std", () => {
    const age = col(linear.transform(train), "age");
    // median of 10, 20, 40, 30 is 25; imputed column 10, 20, 25, 40, 30 has mean 25, std 10.
    const std = 10;
    const expected = [10, 20, 25, 40, 30].map((v) => (v - 25) / std);
    assert.ok(age.every((v, i) => Math.abs(v - (expected[i] as number)) < 1e-12));
    const json = linear.toJSON().features[0];
    assert.deepEqual(json, { name: "age", type: "int", median: 25, mean: 25, std });
  });

  it("encodes booleans as 0/1 and timestamps as epoch ms before scaling", () => {
    const spec = linear.toJSON().features;
    const active = spec[2] as { median: number; mean: number; std: number };
    assert.deepEqual([active.median, active.mean], [1, 0.8]);
    assert.ok(Math.abs(active.std - 0.4) < 1e-12);
    assert.equal((spec[3] as { mean: number }).mean, 2000);
  });

  it("maps an unseen or missing category to all zeros", () => {
    const batch = tableFromColumns(
      { plan: ["a", "zzz", null], age: [1, 2, 3], active: [true, true, false], seen: [new Date(0), null, null] },
      { active: "bool", seen: "timestamp" },
    );
    const m = linear.transform(batch);
    assert.deepEqual(col(m, "plan=a"), [1, 0, 0]);
    assert.deepEqual(col(m, "plan=b"), [0, 0, 0]);
    assert.deepEqual(col(m, "plan=c"), [0, 0, 0]);
    assert.deepEqual(col(m, "seen").slice(1), [0, 0], "missing timestamps take the median, i.e. standardized 0");
  });

  it("stays constant-safe: a zero-variance column gets std 1", () => {
    const t = tableFromColumns({ k: [3, 3, 3] });
    assert.deepEqual(Array.from(fitPreprocessor(t, { features: ["k"], kind: "linear" }).transform(t).data), [0, 0, 0]);
  });
});

describe("fitPreprocessor (tree)", () => {
  it("keeps NaN for missing numbers and uses ordinal codes for categories", () => {
    assert.deepEqual(tree.featureNames, ["age", "plan", "active", "seen"]);
    const m = tree.transform(train);
    assert.deepEqual(m.categorical, [false, true, false, false]);
    assert.deepEqual(col(m, "age"), [10, 20, Number.NaN, 40, 30]);
    assert.deepEqual(col(m, "plan"), [1, 0, 2, Number.NaN, 0]);
    assert.deepEqual(col(m, "active"), [1, 0, 1, 1, Number.NaN]);
    assert.deepEqual(tree.toJSON().features[0], { name: "age", type: "int", median: 25 });
  });

  it("maps an unseen category to NaN", () => {
    const batch = tableFromColumns(
      { plan: ["c", "new"], age: [1, 2], active: [true, false], seen: [new Date(0), new Date(1)] },
      { active: "bool", seen: "timestamp" },
    );
    assert.deepEqual(col(tree.transform(batch), "plan"), [2, Number.NaN]);
  });
});

describe("Preprocessor JSON and signature", () => {
  it("round-trips to an identical transform and identical bytes", () => {
    for (const p of [linear, tree]) {
      const text = JSON.stringify(p);
      const back = preprocessorFromJSON(text);
      assert.equal(JSON.stringify(back), text);
      assert.deepEqual(back.transform(train), p.transform(train));
    }
  });

  it("is deterministic regardless of dictionary order and row order", () => {
    const reordered = train.take([4, 3, 2, 1, 0]);
    assert.equal(JSON.stringify(fitPreprocessor(reordered, { features, kind: "linear" })), JSON.stringify(linear));
    assert.deepEqual(linear.toJSON().features[1], { name: "plan", type: "string", categories: ["a", "b", "c"] });
  });

  it("only lists categories present in the training rows", () => {
    const sub = train.take([0, 1]);
    assert.deepEqual(fitPreprocessor(sub, { features: ["plan"], kind: "tree" }).inputSignature(), [
      { name: "plan", type: "string", categories: ["a", "b"] },
    ]);
  });

  it("describes the input signature", () => {
    assert.deepEqual(linear.inputSignature(), [
      { name: "age", type: "int" },
      { name: "plan", type: "string", categories: ["a", "b", "c"] },
      { name: "active", type: "bool" },
      { name: "seen", type: "timestamp" },
    ]);
  });

  it("rejects malformed JSON with the field named", () => {
    throwsNaming(() => preprocessorFromJSON("nope"), "invalid JSON");
    throwsNaming(() => preprocessorFromJSON({ ...linear.toJSON(), kind: "forest" }), "kind");
    const bad = linear.toJSON();
    bad.features[0] = { name: "age", type: "int", median: "x" };
    throwsNaming(() => preprocessorFromJSON(bad), "features[0].median");
  });
});

describe("preprocessor errors", () => {
  it("rejects unknown, duplicate and all-null features when fitting", () => {
    throwsNaming(() => fitPreprocessor(train, { features: ["age", "nope"], kind: "linear" }), "'nope'");
    throwsNaming(() => fitPreprocessor(train, { features: ["age", "age"], kind: "linear" }), "'age'", "twice");
    throwsNaming(() => fitPreprocessor(train, { features: [], kind: "linear" }), "features");
    const empty = tableFromColumns({ a: [null, null], b: [1, 2] }, { a: "float" });
    throwsNaming(() => fitPreprocessor(empty, { features: ["b", "a"], kind: "tree" }), "'a'", "no non-null");
    const emptyStr = tableFromColumns({ s: [null, null] }, { s: "string" });
    throwsNaming(() => fitPreprocessor(emptyStr, { features: ["s"], kind: "linear" }), "'s'");
  });

  it("names missing and mistyped columns at transform time, ignoring extra columns", () => {
    throwsNaming(() => linear.transform(train.select(["plan", "active", "seen"])), "missing column 'age'");
    throwsNaming(() => linear.transform(train.select(["plan", "seen"])), "'age'", "'active'");
    const wrong = tableFromColumns({ age: ["old"], plan: ["a"], active: [true], seen: [new Date(0)] });
    throwsNaming(() => linear.transform(wrong), "column 'age'", "numeric");
    const wrongCat = tableFromColumns({ age: [1], plan: [7], active: [true], seen: [new Date(0)] });
    throwsNaming(() => tree.transform(wrongCat), "column 'plan'", "string");
    assert.equal(linear.transform(train).rows, 5, "the extra 'id' column is ignored");
  });
});
