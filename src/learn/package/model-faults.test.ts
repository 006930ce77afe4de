import assert from "node:assert/strict";
import { before, test } from "node:test";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTable } from "../../data/read-table.js";
import { Table, valueAt } from "../../data/table.js";
import { tableFromColumns } from "../../data/test-support/build-table.js";
import { fitTelcoPackage } from "../test-support/telco-models.js";
import { predictorFor } from "./load-model.js";
import { checkModelFaults } from "./model-faults.js";
import type { ModelPackage } from "./model-package.js";

let telco: Table;
let pkg: ModelPackage;
let clean: Float64Array;

before(async () => {
  telco = (await readTable(TELCO_CSV)).slice(0, 200);
  pkg = await fitTelcoPackage(telco, 10);
  clean = predictorFor(pkg).predict(telco);
});

/** The first rows whose `column` value is `value`, and the first whose is not. */
function rowsWith(column: string, value: string): { match: Table; other: Table } {
  const c = telco.column(column);
  assert.ok(c);
  const idx = (hit: boolean) => {
    for (let i = 0; i < telco.numRows; i++) if ((String(valueAt(c, i)) === value) === hit) return i;
    throw new Error(`no row with ${column} ${hit ? "=" : "≠"} ${value}`);
  };
  return { match: telco.slice(idx(true), idx(true) + 1), other: telco.slice(idx(false), idx(false) + 1) };
}

test("fail_when: predict throws for a batch with a listed value (string or int column), else scores", () => {
  const byContract = predictorFor({ ...pkg, faults: { fail_when: { column: "Contract", values: ["Two year"] } } });
  const contract = rowsWith("Contract", "Two year");
  assert.throws(() => byContract.predict(contract.match), /^Error: injected fault: Contract = Two year$/);
  assert.throws(() => byContract.predict(telco), /injected fault/);
  assert.deepEqual([...byContract.predict(contract.other)], [...predictorFor(pkg).predict(contract.other)]);
  // An int column is compared as its string form.
  const byTenure = predictorFor({ ...pkg, faults: { fail_when: { column: "tenure", values: ["1", "2"] } } });
  const tenure = rowsWith("tenure", "1");
  assert.throws(() => byTenure.predict(tenure.match), /tenure = 1/);
  assert.equal(byTenure.predict(rowsWith("tenure", "34").match).length, 1);
});

test("fail_when on a column the model does not take: the signature takes it as an optional string", () => {
  const p = predictorFor({ ...pkg, faults: { fail_when: { column: "customerID", values: ["bad"] } } });
  assert.ok(!pkg.signature.inputs.some((i) => i.name === "customerID"));
  assert.deepEqual(p.signature.inputs.at(-1), { name: "customerID", type: "string", optional: true });
  assert.equal(p.signature.inputs.length, pkg.signature.inputs.length + 1);
  const ids = tableFromColumns({ customerID: ["ok", "bad"] }).columns;
  const withIds = new Table([...telco.slice(0, 2).columns.filter((c) => c.name !== "customerID"), ...ids]);
  assert.throws(() => p.predict(withIds), /customerID = bad/);
  // Without the column (not sent) nothing fails.
  assert.equal(p.predict(telco.select(pkg.signature.inputs.map((i) => i.name))).length, telco.numRows);
});

test("score_shift adds to every score and clamps binary scores to [0, 1]", () => {
  for (const shift of [0.05, -0.05, 1, -1]) {
    const got = predictorFor({ ...pkg, faults: { score_shift: shift } }).predict(telco);
    for (let i = 0; i < got.length; i++) {
      const want = Math.min(1, Math.max(0, (clean[i] as number) + shift));
      assert.ok(Math.abs((got[i] as number) - want) < 1e-12, `row ${i} shift ${shift}`);
    }
  }
});

test("fail_rate fails a call when the random draw is below it", () => {
  const draws = [0.1, 0.9, 0.29, 0.3];
  const p = predictorFor({ ...pkg, faults: { fail_rate: 0.3 } }, { random: () => draws.shift() as number });
  assert.throws(() => p.predict(telco), /injected fault: fail_rate 0.3/);
  assert.equal(p.predict(telco).length, telco.numRows);
  assert.throws(() => p.predict(telco), /fail_rate/);
  assert.equal(p.predict(telco).length, telco.numRows);
  // The server's warm-up row (every input missing) is never failed, or the model could not load.
  const always = predictorFor({ ...pkg, faults: { fail_rate: 1 } });
  const inputs = pkg.signature.inputs;
  const missing = tableFromColumns(
    Object.fromEntries(inputs.map((i) => [i.name, [null]])),
    Object.fromEntries(inputs.map((i) => [i.name, i.type])),
  );
  assert.equal(always.predict(missing).length, 1);
  assert.throws(() => always.predict(telco.slice(0, 1)), /fail_rate 1/);
});

test("a faulty predictor exposes its faults and has no row scorer; a plain one is unchanged", () => {
  const faults = { delay_ms: 100 };
  const p = predictorFor({ ...pkg, faults });
  assert.deepEqual(p.faults, faults);
  assert.equal(p.rowScorer, undefined);
  assert.deepEqual([...p.predict(telco)], [...clean]);
  const plain = predictorFor(pkg);
  assert.equal(plain.faults, undefined);
  assert.equal(typeof plain.rowScorer, "function");
});

test("checkModelFaults names the bad field", () => {
  assert.deepEqual(checkModelFaults({ delay_ms: 0, fail_rate: 1, score_shift: -1 }), {
    delay_ms: 0,
    fail_rate: 1,
    score_shift: -1,
  });
  assert.throws(() => checkModelFaults([]), /must be a JSON object/);
  assert.throws(() => checkModelFaults({ delay_ms: -1 }), /'delay_ms' must be a number from 0 to 60000, got -1/);
  assert.throws(() => checkModelFaults({ score_shift: "0.1" }), /'score_shift' must be a number from -1 to 1/);
  assert.throws(() => checkModelFaults({ fail_when: { column: "", values: ["x"] } }), /fail_when\.column/);
  assert.throws(() => checkModelFaults({ fail_when: { column: "a", values: [] } }), /fail_when\.values/);
});
