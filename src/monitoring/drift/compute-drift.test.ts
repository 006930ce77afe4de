import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { seededRandom } from "../../core/random.js";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTable } from "../../data/read-table.js";
import type { Column, StringColumn } from "../../data/table.js";
import { Table } from "../../data/table.js";
import { tableFromColumns } from "../../data/test-support/build-table.js";
import type { Predictor } from "../../learn/package/load-model.js";
import { predictorFor } from "../../learn/package/load-model.js";
import { fitTelcoPackage } from "../../learn/test-support/telco-models.js";
import { inferSchema } from "../../validation/infer-schema.js";
import type { ReferenceScores } from "./compute-drift.js";
import { computeDrift } from "./compute-drift.js";
import { prepareReference } from "./drift-reference.js";
import type { ColumnDrift, DriftReport } from "./drift-types.js";

/** Seeded standard normal draws (Box–Muller). */
function normals(n: number, seed: number, shift = 0): number[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => shift + Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r()));
}

function picks<T>(n: number, seed: number, values: readonly T[]): T[] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => values[Math.floor(r() * values.length)] as T);
}

/** A table of every default-choice case: many numbers, 3 or 2 distinct numbers, 3 categories, booleans. */
function mixed(n: number, seed: number): Table {
  return tableFromColumns(
    {
      many: normals(n, seed),
      three: picks(n, seed + 1, [1, 2, 3]),
      two: picks(n, seed + 2, [0, 1]),
      few: picks(n, seed + 3, [1, 2, 3, 4]),
      cat: picks(n, seed + 4, ["a", "b", "c"]),
      flag: picks(n, seed + 5, [true, false]),
    },
    { many: "float" },
  );
}

function byName(r: DriftReport): Record<string, ColumnDrift> {
  return Object.fromEntries(r.columns.map((c) => [c.column, c]));
}

function tests(r: DriftReport): Record<string, string | null> {
  return Object.fromEntries(r.columns.map((c) => [c.column, c.test]));
}

describe("computeDrift: Evidently's default test", () => {
  test("a reference of at most 1000 rows: ks for numbers, chisquare/z by distinct values", () => {
    // Current rows drawn from the reference itself: Evidently's chisquare takes the reference shares
    // as exact, so two independent samples of one distribution drift far more often than 5%.
    const reference = mixed(1000, 1);
    const r = computeDrift(prepareReference(reference), reference.slice(200));
    assert.deepEqual(tests(r), {
      many: "ks",
      three: "chisquare",
      two: "z",
      few: "chisquare",
      cat: "chisquare",
      flag: "z",
    });
    for (const c of r.columns) {
      assert.equal(c.problem, undefined, c.column);
      assert.equal(c.threshold, 0.05, c.column);
      assert.equal(c.p_value, c.score, `${c.column}: the score of a p-value test is its p-value`);
      assert.equal(c.drifted, false, `${c.column}: same distribution`);
    }
    assert.deepEqual([r.columns_checked, r.drifted_columns, r.dataset_drift], [6, 0, false]);
  });

  test("a larger reference: wasserstein for numbers, jensenshannon for categories and numbers with ≤ 5 values", () => {
    const r = computeDrift(prepareReference(mixed(1001, 1)), mixed(800, 100));
    assert.deepEqual(tests(r), {
      many: "wasserstein",
      three: "jensenshannon",
      two: "jensenshannon",
      few: "jensenshannon",
      cat: "jensenshannon",
      flag: "jensenshannon",
    });
    for (const c of r.columns) {
      assert.equal(c.threshold, 0.1, c.column);
      assert.equal(c.p_value, null, `${c.column}: a distance has no p-value`);
    }
  });

  test("histograms: 10 equal-width bins for numbers, categories by label", () => {
    const r = byName(computeDrift(prepareReference(mixed(1000, 1)), mixed(800, 100)));
    const h = r.many?.histogram;
    assert.equal(h?.edges?.length, 11);
    assert.equal(
      h?.reference.reduce((a, b) => a + b),
      1000,
    );
    assert.equal(
      h?.current.reduce((a, b) => a + b),
      800,
    );
    assert.deepEqual([...(r.cat?.histogram?.labels ?? [])].sort(), ["a", "b", "c"]);
  });
});

describe("computeDrift: overrides", () => {
  const ref = prepareReference(mixed(1000, 1));
  const cur = mixed(800, 100);

  test("the most specific method wins: column, then kind, then all", () => {
    const all = computeDrift(ref, cur, { method: "psi" });
    assert.ok(all.columns.every((c) => c.test === "psi" && c.threshold === 0.1));
    const kinds = computeDrift(ref, cur, { method: "psi", numMethod: "wasserstein", catMethod: "jensenshannon" });
    assert.deepEqual(tests(kinds), {
      many: "wasserstein",
      three: "wasserstein",
      two: "wasserstein",
      few: "wasserstein",
      cat: "jensenshannon",
      flag: "jensenshannon",
    });
    const column = computeDrift(ref, cur, { numMethod: "wasserstein", perColumnMethod: { many: "ks", cat: "psi" } });
    assert.deepEqual([byName(column).many?.test, byName(column).three?.test], ["ks", "wasserstein"]);
    assert.equal(byName(column).cat?.test, "psi");
  });

  test("thresholds: column, then kind, then all, then the test's default", () => {
    const r = byName(
      computeDrift(ref, cur, { threshold: 0.2, numThreshold: 0.01, perColumnThreshold: { many: 0.5, flag: 0.3 } }),
    );
    assert.deepEqual(
      ["many", "three", "cat", "flag"].map((k) => r[k]?.threshold),
      [0.5, 0.01, 0.2, 0.3],
    );
    // A p-value of (nearly) 1 is drift once the threshold is above it.
    const strict = byName(computeDrift(ref, cur, { perColumnThreshold: { many: 1.01 } }));
    assert.equal(strict.many?.drifted, true);
  });

  test("a test that does not fit the column's kind is reported against the option that chose it", () => {
    const r = byName(
      computeDrift(ref, cur, { method: "ks", perColumnMethod: { many: "chisquare", cat: "wasserstein" } }),
    );
    assert.equal(r.cat?.test, null);
    assert.match(r.cat?.problem ?? "", /test 'wasserstein' \(--column-method\) does not apply to categorical columns/);
    assert.equal(r.flag?.test, null);
    assert.match(r.flag?.problem ?? "", /test 'ks' \(--method\) does not apply to categorical/);
    assert.equal(r.three?.test, "ks");
  });

  test("columns and ignore choose what is compared", () => {
    assert.deepEqual(
      computeDrift(ref, cur, { ignore: ["cat", "flag"] }).columns.map((c) => c.column),
      ["many", "three", "two", "few"],
    );
    assert.deepEqual(
      computeDrift(ref, cur, { columns: ["flag", "many"] }).columns.map((c) => c.column),
      ["flag", "many"],
    );
  });
});

describe("computeDrift: the dataset verdict", () => {
  const ref = prepareReference(
    tableFromColumns({ a: normals(2000, 1), b: normals(2000, 2), c: normals(2000, 3), d: normals(2000, 4) }),
  );
  const cur = (shifted: number) =>
    tableFromColumns({
      a: normals(1500, 11, shifted >= 1 ? 2 : 0),
      b: normals(1500, 12, shifted >= 2 ? 2 : 0),
      c: normals(1500, 13, shifted >= 3 ? 2 : 0),
      d: normals(1500, 14),
    });

  test("drift when the share of drifted columns reaches drift_share (default 0.5)", () => {
    const half = computeDrift(ref, cur(2));
    assert.deepEqual(
      [half.drifted_columns, half.columns_checked, half.share_drifted, half.drift_share, half.dataset_drift],
      [2, 4, 0.5, 0.5, true],
    );
    assert.equal(computeDrift(ref, cur(1)).dataset_drift, false);
    assert.equal(computeDrift(ref, cur(2), { driftShare: 0.6 }).dataset_drift, false);
    assert.equal(computeDrift(ref, cur(3), { driftShare: 0.75 }).dataset_drift, true);
    assert.equal(byName(half).a?.drifted, true, "a shift of 2 standard deviations drifts");
  });

  test("drift_share must be in (0, 1]", () => {
    assert.throws(() => computeDrift(ref, cur(0), { driftShare: 0 }), /driftShare/);
    assert.throws(() => computeDrift(ref, cur(0), { driftShare: 1.5 }), /driftShare/);
  });
});

describe("computeDrift: bad input is reported per column, never thrown, never a silent 'no drift'", () => {
  const n = 50;
  const reference = tableFromColumns(
    {
      ok: normals(n, 1),
      retyped: normals(n, 2),
      gone: normals(n, 3),
      nulls_now: normals(n, 4),
      nulls_before: Array.from({ length: n }, () => null),
      when: Array.from({ length: n }, (_, i) => new Date(i * 1000)),
    },
    { ok: "float", retyped: "float", gone: "float", nulls_now: "float", nulls_before: "float" },
  );
  const current = tableFromColumns(
    {
      ok: normals(n, 5),
      retyped: picks(n, 6, ["x", "y"]),
      nulls_now: Array.from({ length: n }, () => null),
      nulls_before: normals(n, 7),
      when: Array.from({ length: n }, (_, i) => new Date(i * 2000)),
      added: normals(n, 8),
    },
    { ok: "float", nulls_now: "float", nulls_before: "float", added: "float" },
  );

  test("missing on one side, another type, all null, timestamps: test null, not drifted, the reason given", () => {
    const r = computeDrift(prepareReference(reference), current);
    const c = byName(r);
    const expected: Record<string, RegExp> = {
      retyped: /type differs: float \(numerical\) in the reference, string \(categorical\) in the current data/,
      gone: /missing in the current data/,
      nulls_now: /all 50 values are null in the current data/,
      nulls_before: /all 50 values are null in the reference data/,
      when: /timestamp/,
      added: /missing in the reference data/,
    };
    for (const [name, problem] of Object.entries(expected)) {
      const col = c[name];
      assert.ok(col, name);
      assert.equal(col.test, null, name);
      assert.equal(col.drifted, false, name);
      assert.equal(col.score, null, name);
      assert.match(col.problem ?? "", problem, name);
    }
    assert.equal(c.ok?.test, "ks");
    assert.equal(c.ok?.problem, undefined);
    assert.deepEqual([r.columns_checked, r.columns_not_checked], [1, 6]);
    assert.equal(c.retyped?.type, "numerical", "the reference's kind");
    assert.equal(c.added?.type, "numerical");
  });

  test("empty current data: every column says so", () => {
    const r = computeDrift(prepareReference(reference), reference.slice(0, 0));
    assert.equal(r.current_rows, 0);
    assert.equal(r.columns_checked, 0);
    assert.equal(r.dataset_drift, false);
    for (const col of r.columns.filter((x) => x.column !== "when" && x.column !== "nulls_before"))
      assert.match(col.problem ?? "", /the current data has no rows/, col.column);
  });

  test("a requested column neither side has", () => {
    const r = computeDrift(prepareReference(reference), current, { columns: ["nope"] });
    assert.match(r.columns[0]?.problem ?? "", /missing in both/);
  });
});

describe("computeDrift on Telco: prediction drift and data quality", () => {
  let telco: Table;
  let predictor: Predictor;
  before(async () => {
    telco = await readTable(TELCO_CSV);
    predictor = predictorFor(await fitTelcoPackage(telco, 30));
  });

  /** The model's scores, or its error as prediction drift reports it. */
  const scoresOf = (t: Table): ReferenceScores => {
    try {
      return predictor.predict(t);
    } catch (e) {
      return { error: (e as Error).message };
    }
  };

  /** Rows [start, end) of a table with a numeric column's values moved by `shift`. */
  function shifted(t: Table, start: number, end: number, column: string, shift: number): Table {
    const part = t.slice(start, end);
    return new Table(
      part.columns.map((c): Column => {
        if (c.name !== column || (c.type !== "int" && c.type !== "float")) return c;
        return { ...c, values: c.values.map((v) => v + shift) };
      }),
    );
  }

  test("tenure shifted: tenure drifts, the other columns do not, and the model's scores drift", () => {
    const half = 3521;
    const referenceTable = telco.slice(0, half);
    const current = shifted(telco, half, telco.numRows, "tenure", 36);
    const r = computeDrift(prepareReference(referenceTable), current, {
      ignore: ["customerID"],
      currentScores: scoresOf(current),
      referenceScores: predictor.predict(referenceTable),
    });
    const c = byName(r);
    assert.equal(c.tenure?.test, "wasserstein");
    assert.equal(c.tenure?.drifted, true);
    const others = r.columns.filter((x) => x.column !== "tenure");
    assert.equal(others.length, 19);
    for (const o of others) {
      assert.notEqual(o.test, null, o.column);
      assert.equal(o.drifted, false, `${o.column}: ${o.test} ${o.score}`);
    }
    assert.equal(r.prediction?.column, "prediction");
    assert.equal(r.prediction?.type, "numerical");
    assert.equal(r.prediction?.test, "wasserstein");
    assert.equal(r.prediction?.drifted, true, `prediction score ${r.prediction?.score}`);
    assert.deepEqual([r.drifted_columns, r.columns_checked, r.dataset_drift], [2, 21, false]);

    const same = computeDrift(prepareReference(referenceTable), telco.slice(half), {
      ignore: ["customerID"],
      currentScores: scoresOf(telco.slice(half)),
      referenceScores: predictor.predict(referenceTable),
    });
    assert.equal(same.prediction?.drifted, false, "unshifted halves: no prediction drift");
    assert.equal(same.drifted_columns, 0);
  });

  test("a model that cannot score the current data, or no reference scores: reported, not thrown", () => {
    const ref = prepareReference(telco.slice(0, 1000));
    const noContract = telco.slice(1000, 2000).select(telco.columnNames.filter((n) => n !== "Contract"));
    const failed = computeDrift(ref, noContract, {
      currentScores: scoresOf(noContract),
      referenceScores: predictor.predict(telco.slice(0, 1000)),
    });
    assert.equal(failed.prediction?.test, null);
    assert.match(failed.prediction?.problem ?? "", /the model could not score the current data: .*Contract/);
    const noScores = computeDrift(ref, telco.slice(1000, 2000), { currentScores: scoresOf(telco.slice(1000, 2000)) });
    assert.match(noScores.prediction?.problem ?? "", /no model scores for the reference data/);
    const refFailed = computeDrift(ref, telco.slice(1000, 2000), {
      currentScores: scoresOf(telco.slice(1000, 2000)),
      referenceScores: { error: "boom" },
    });
    assert.match(refFailed.prediction?.problem ?? "", /could not score the reference data: boom/);
  });

  test("quality against a schema: values out of range, unseen categories, missing columns, nulls", () => {
    const referenceTable = telco.slice(0, 3521);
    const schema = inferSchema(referenceTable, undefined, { label: "Churn" });
    const base = shifted(telco, 3521, telco.numRows, "tenure", 36);
    const contract = base.column("Contract") as StringColumn;
    const renamed: StringColumn = {
      ...contract,
      dictionary: contract.dictionary.map((d) => (d === "Two year" ? "Three year" : d)),
    };
    const monthly = base.column("MonthlyCharges") as Column;
    const nulls = new Uint8Array(monthly.length).fill(1, 0, 1000);
    const current = new Table(
      base.columns
        .filter((c) => c.name !== "gender")
        .map((c) => (c.name === "Contract" ? renamed : c.name === "MonthlyCharges" ? { ...monthly, nulls } : c)),
    );
    const r = computeDrift(prepareReference(referenceTable), current, { schema });
    const found = Object.fromEntries((r.quality ?? []).map((q) => [`${q.column}:${q.check}`, q]));
    assert.ok(found["tenure:out_of_range"], JSON.stringify(r.quality));
    assert.ok((found["tenure:out_of_range"]?.count ?? 0) > 0);
    assert.ok(found["Contract:unseen_categories"]);
    assert.match(found["Contract:unseen_categories"]?.detail ?? "", /Three year/);
    assert.ok(found["gender:missing_column"]);
    assert.equal(found["MonthlyCharges:nulls"]?.count, 1000);
    assert.ok(Math.abs((found["MonthlyCharges:nulls"]?.share ?? 0) - 1000 / current.numRows) < 1e-9);
    assert.equal(computeDrift(prepareReference(referenceTable), telco.slice(3521), { schema }).quality?.length, 0);
  });
});
