/**
 * The onnx runtime in process: Telco churn models (GBDT with 200 trees, logistic regression)
 * exported with `models export` and loaded as MLflow onnx folders, against the native predictor
 * of the same package. Two measures per model: one-row calls (sequential awaits, so calls/s and
 * latency of one batch of one row) and 10,000-row batches (rows/s). The onnx runtime runs each
 * session on one thread unless the flavor's onnx_session_options say otherwise; the batch measure
 * is also taken with `intra_op_num_threads: 2`.
 *
 *   node --import tsx bench/runtimes/onnx.ts [--quick] [--seconds 3] [--trees 200] [--no-write]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { TELCO_CSV } from "../../src/core/test-support/shared-data.js";
import { readTable } from "../../src/data/read-table.js";
import type { Table } from "../../src/data/table.js";
import { exportPackageOnnx } from "../../src/learn/onnx/export-package.js";
import { predictorFor } from "../../src/learn/package/load-model.js";
import type { ModelPackage } from "../../src/learn/package/model-package.js";
import { fitTelcoPackage } from "../../src/learn/test-support/telco-models.js";
import { parseMlModel } from "../../src/runtimes/mlmodel.js";
import { loadOnnxFolder } from "../../src/runtimes/onnx/onnx-runtime.js";
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

/** Calls of `score` on `tables` (round robin) for SECONDS. */
const drive = (score: Score, tables: Table[]) => driveScorer(score, tables, SECONDS);

/** A 10,000-row table: the Telco rows repeated. */
function batchOf(telco: Table): Table {
  const index = Int32Array.from({ length: BATCH }, (_, i) => i % telco.numRows);
  return telco.take(index);
}

async function onnxModel(dir: string, pkg: ModelPackage, threads?: number) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "model.onnx"), exportPackageOnnx(pkg));
  const options = threads ? `    onnx_session_options: {intra_op_num_threads: ${threads}}\n` : "";
  const mlmodel = `flavors:\n  onnx:\n    data: model.onnx\n${options}`;
  writeFileSync(join(dir, "MLmodel"), mlmodel);
  return loadOnnxFolder(dir, parseMlModel(mlmodel, "MLmodel"));
}

async function main(): Promise<void> {
  const telco = await readTable(TELCO_CSV);
  const oneRows = Array.from({ length: 200 }, (_, i) => telco.slice(i, i + 1));
  const batch = [batchOf(telco)];
  const work = mkdtempSync(join(tmpdir(), "mw-bench-onnx-"));
  const results: Record<string, unknown>[] = [];
  const report = (model: string, runtime: string, measure: string, r: Awaited<ReturnType<typeof drive>>) => {
    results.push({ model, runtime, measure, ...r });
    const rate =
      measure === "one row" ? `${r.callsPerSecond.toFixed(0)} calls/s` : `${r.rowsPerSecond.toFixed(0)} rows/s`;
    console.log(
      `${model.padEnd(12)} ${runtime.padEnd(18)} ${measure.padEnd(12)} ${rate.padStart(16)}   p50 ${r.p50Ms.toFixed(3)} ms   p99 ${r.p99Ms.toFixed(3)} ms`,
    );
  };
  try {
    for (const algo of ["gbdt", "linear"] as const) {
      const pkg = await fitTelcoPackage(telco, TREES, algo);
      const label = algo === "gbdt" ? `gbdt ${TREES}` : "linear";
      const native = predictorFor(pkg);
      const onnx = await onnxModel(join(work, algo), pkg);
      const onnx2 = await onnxModel(join(work, `${algo}-2`), pkg, 2);
      try {
        await drive((t) => onnx.predict(t), oneRows);
        report(label, "native", "one row", await drive((t) => native.predict(t), oneRows));
        report(label, "onnx", "one row", await drive((t) => onnx.predict(t), oneRows));
        report(label, "native", "10k rows", await drive((t) => native.predict(t), batch));
        report(label, "onnx", "10k rows", await drive((t) => onnx.predict(t), batch));
        report(label, "onnx (2 threads)", "10k rows", await drive((t) => onnx2.predict(t), batch));
      } finally {
        await onnx.close?.();
        await onnx2.close?.();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (values["no-write"]) return;
  const path = join(ROOT, "bench", "runtimes", "results", `onnx${values.quick ? "-quick" : ""}.json`);
  const doc = {
    bench: "runtimes/onnx",
    when: new Date().toISOString(),
    settings: { seconds: SECONDS, trees: TREES, batch: BATCH },
    results,
  };
  console.log(`wrote ${writeResultsFile(ROOT, path, doc)}`);
}

await main();
