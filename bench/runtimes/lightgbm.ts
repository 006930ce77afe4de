/**
 * The lightgbm runtime in process. LightGBM cannot be installed here, so the models are: a
 * synthetic LightGBM text model the size of a typical tabular one (binary, 200 trees of 31 leaves,
 * 20 features of which 3 categorical, splits with NaN missing types and category bitsets), written
 * by the tests' generator (src/runtimes/lightgbm/test-support/synthetic-model.ts) with a fixed seed,
 * and, when the shared data folder has it (`lightgbm/`, not committed), the LightGBM-made poisson
 * model of dmitryikh/leaves (100 trees of 32 leaves, 1,091 categorical splits). Two measures per
 * model: one-row calls (the synchronous one-row scorer that one-row `/invocations` uses, and
 * `predict` on a one-row table) and 10,000-row batches (rows/s).
 * For scale under the same machine load, the platform's own GBDT (Telco churn, the same number of
 * trees, depth 6) through its native predictor, as bench/runtimes/onnx.ts measures it.
 *
 *   node --import tsx bench/runtimes/lightgbm.ts [--quick] [--seconds 3] [--trees 200] [--no-write]
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sharedDataDir, TELCO_CSV } from "../../src/core/test-support/shared-data.js";
import { readTable } from "../../src/data/read-table.js";
import type { Table } from "../../src/data/table.js";
import { tableFromRows } from "../../src/data/test-support/build-table.js";
import { predictorFor } from "../../src/learn/package/load-model.js";
import { fitTelcoPackage } from "../../src/learn/test-support/telco-models.js";
import { loadLightgbmFolder } from "../../src/runtimes/lightgbm/lightgbm-runtime.js";
import {
  type SyntheticSpec,
  seededRandom,
  syntheticModel,
} from "../../src/runtimes/lightgbm/test-support/synthetic-model.js";
import { parseMlModel } from "../../src/runtimes/mlmodel.js";
import type { LoadedModel } from "../../src/runtimes/runtime.js";
import { writeResultsFile } from "../lib/results-file.js";
import { driveScorer, type Score } from "./lib/drive-scorer.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const { values } = parseArgs({
  options: {
    quick: { type: "boolean" },
    seconds: { type: "string" },
    trees: { type: "string" },
    "no-write": { type: "boolean" },
  },
  strict: true,
});
const SECONDS = Number(values.seconds ?? (values.quick ? 1 : 3));
const TREES = Number(values.trees ?? 200);
const BATCH = 10_000;
const FEATURES = 20;
const CATEGORICAL = new Set([3, 9, 15]);
const LEAVES = 31;

/** The synthetic model: binary, TREES trees of LEAVES leaves, NaN missing types, 3 categorical features. */
const SPEC: SyntheticSpec = {
  objective: "binary",
  iterations: TREES,
  leaves: LEAVES,
  features: FEATURES,
  categorical: [...CATEGORICAL],
  missing: ["nan"],
  featureNames: Array.from({ length: FEATURES }, (_, j) => `f${j}`),
  seed: 19,
};

function syntheticRows(n: number): Table {
  const rand = seededRandom(7);
  const rows = Array.from({ length: n }, () =>
    Array.from({ length: FEATURES }, (_, j) => {
      if (rand() < 0.05) return null;
      return CATEGORICAL.has(j) ? Math.floor(rand() * 64) : rand() * 6 - 3;
    }),
  );
  return tableFromRows(
    Array.from({ length: FEATURES }, (_, j) => `f${j}`),
    rows,
    Array(FEATURES).fill("float"),
  );
}

/** Calls of `score` on `tables` (round robin) for SECONDS. */
const drive = (score: Score, tables: Table[]) => driveScorer(score, tables, SECONDS);

/** The one-row scorer fed from a one-row table's columns, as serving feeds it from a request. */
function rowScorerCall(model: LoadedModel): Score {
  const scorer = model.rowScorer?.();
  if (!scorer) throw new Error("no one-row scorer");
  const inputs = model.signature.inputs;
  return (t: Table) => {
    inputs.forEach((input, i) => {
      const c = t.column(input.name);
      const v = c && c.type !== "string" ? (c.values[0] as number) : Number.NaN;
      scorer.setNumber(i, c?.nulls?.[0] ? Number.NaN : v);
    });
    return scorer.score();
  };
}

async function load(dir: string, text?: string): Promise<LoadedModel> {
  if (text !== undefined) writeFileSync(join(dir, "model.lgb"), text);
  const mlmodel = "flavors:\n  lightgbm: {data: model.lgb, model_class: lightgbm.basic.Booster}\n";
  if (text !== undefined) writeFileSync(join(dir, "MLmodel"), mlmodel);
  return loadLightgbmFolder(dir, parseMlModel(mlmodel, "MLmodel"));
}

function fixtureRows(n: number): Table {
  const rand = seededRandom(3);
  const rows = Array.from({ length: n }, () => [
    Math.floor(rand() * 11),
    Math.floor(rand() * 12),
    Math.floor(rand() * 2),
    Math.floor(rand() * 22),
    Math.floor(rand() * 6),
    Math.floor(rand() * 20),
    18 + Math.floor(rand() * 60),
    50 + Math.floor(rand() * 100),
    Math.floor(rand() * 27000),
  ]);
  const names = ["VehBrand", "VehPower", "VehGas", "Region", "Area", "VehAge", "DrivAge", "BonusMalus", "Density"];
  return tableFromRows(names, rows, Array(9).fill("int"));
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "mw-bench-lgb-"));
  const results: Record<string, unknown>[] = [];
  const report = (model: string, path: string, measure: string, r: Awaited<ReturnType<typeof drive>>) => {
    results.push({ model, path, measure, ...r });
    const rate =
      measure === "one row" ? `${r.callsPerSecond.toFixed(0)} calls/s` : `${r.rowsPerSecond.toFixed(0)} rows/s`;
    console.log(
      `${model.padEnd(26)} ${path.padEnd(12)} ${measure.padEnd(9)} ${rate.padStart(16)}   p50 ${r.p50Ms.toFixed(4)} ms   p99 ${r.p99Ms.toFixed(4)} ms`,
    );
  };
  try {
    const synthetic = await load(work, syntheticModel(SPEC));
    const cases = [{ label: `synthetic ${TREES}×${LEAVES} leaves`, model: synthetic, rows: syntheticRows }];
    // The LightGBM-made poisson model is a third-party file: measured only when the shared data has it.
    const shared = sharedDataDir("lightgbm");
    if (shared) {
      cases.push({
        label: "poisson fixture 100×32",
        model: await load(join(shared, "poisson-categorical")),
        rows: fixtureRows,
      });
    } else console.log("poisson fixture: skipped (no lightgbm/ in ../shared/data/ nor in MODELWORKS_TEST_DATA_DIR)");
    for (const { label, model, rows } of cases) {
      const oneRows = Array.from({ length: 200 }, (_, i) => rows(200).slice(i, i + 1));
      const batch = [rows(BATCH)];
      await drive((t) => model.predictSync?.(t), oneRows);
      report(label, "rowScorer", "one row", await drive(rowScorerCall(model), oneRows));
      report(label, "predict", "one row", await drive((t) => model.predict(t), oneRows));
      report(label, "predictSync", "10k rows", await drive((t) => model.predictSync?.(t), batch));
    }
    const telco = await readTable(TELCO_CSV);
    const native = predictorFor(await fitTelcoPackage(telco, TREES));
    const telcoRows = Array.from({ length: 200 }, (_, i) => telco.slice(i, i + 1));
    const telcoBatch = [telco.take(Int32Array.from({ length: BATCH }, (_, i) => i % telco.numRows))];
    const label = `native gbdt ${TREES} (Telco)`;
    report(label, "predict", "one row", await drive((t) => native.predict(t), telcoRows));
    report(label, "predict", "10k rows", await drive((t) => native.predict(t), telcoBatch));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (values["no-write"]) return;
  const path = join(ROOT, "bench", "runtimes", "results", `lightgbm${values.quick ? "-quick" : ""}.json`);
  const doc = {
    bench: "runtimes/lightgbm",
    when: new Date().toISOString(),
    settings: { seconds: SECONDS, trees: TREES, leaves: LEAVES, features: FEATURES, batch: BATCH },
    results,
  };
  console.log(`wrote ${writeResultsFile(ROOT, path, doc)}`);
}

await main();
