/**
 * GBDT training, 1M rows × 30 features (800k train, 200k held out), 100 trees of depth 6, eta 0.3,
 * max_bin 256, against XGBoost `tree_method="hist"` (Debian python3-xgboost) on the same cached data
 * in the same run. Target: ours ≤ 2× XGBoost's time at the same thread count, AUC within 0.002.
 *
 *   node --import tsx bench/train/gbdt-vs-xgboost.ts [--quick] [--rows N] [--threads N] [--ours-only]
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FeatureMatrix } from "../../src/learn/feature-matrix.js";
import { trainGbdt } from "../../src/learn/gbdt/index.js";
import { rocAuc } from "./auc.js";
import { generateSyntheticBinary } from "./synthetic-binary.js";

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : undefined;
};
const quick = args.includes("--quick");
const rows = flag("--rows") ?? (quick ? 50_000 : 1_000_000);
const threads = flag("--threads") ?? 2;
const COLS = 30;
const SEED = 42;
const TREES = 100;
const nTrain = Math.floor(rows * 0.8);
const PARAMS = { n_estimators: TREES, max_depth: 6, learning_rate: 0.3, max_bin: 256, seed: SEED };

/** Column-major float64 x, then y, cached so both trainers read identical bytes. */
function cachedData(): { path: string; x: Float64Array; y: Float64Array } {
  const dir = join(tmpdir(), "modelworks-bench-gbdt");
  const path = join(dir, `synthetic-${rows}x${COLS}-seed${SEED}.f64`);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    const d = generateSyntheticBinary(rows, COLS, SEED);
    const all = new Float64Array(rows * (COLS + 1));
    all.set(d.x);
    all.set(d.y, rows * COLS);
    writeFileSync(path, all);
  }
  const buf = readFileSync(path);
  const all = new Float64Array(buf.buffer, buf.byteOffset, buf.byteLength / 8);
  return { path, x: all.subarray(0, rows * COLS), y: all.subarray(rows * COLS) };
}

function slice(x: Float64Array, from: number, to: number): FeatureMatrix {
  const n = to - from;
  const data = new Float64Array(n * COLS);
  for (let j = 0; j < COLS; j++) data.set(x.subarray(j * rows + from, j * rows + to), j * n);
  return { rows: n, cols: COLS, data, names: Array.from({ length: COLS }, (_, j) => `f${j}`) };
}

async function runOurs(x: Float64Array, y: Float64Array) {
  const train = slice(x, 0, nTrain);
  const test = slice(x, nTrain, rows);
  const t0 = performance.now();
  const model = await trainGbdt(train, y.slice(0, nTrain), PARAMS, { threads });
  const seconds = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const p = model.predict(test);
  const predictSeconds = (performance.now() - t1) / 1000;
  return { seconds, predict_seconds: predictSeconds, auc: rocAuc(y.subarray(nTrain), p) };
}

const PYTHON = `
import sys, json, time
import numpy as np, xgboost as xgb
from sklearn.metrics import roc_auc_score
path, rows, cols, n_train = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
a = np.fromfile(path, dtype=np.float64)
x = np.ascontiguousarray(a[: rows * cols].reshape(cols, rows).T)
y = a[rows * cols :]
out = {"version": xgb.__version__}
for nthread in (${threads}, 1):
    params = {"objective": "binary:logistic", "tree_method": "hist", "max_depth": 6, "eta": 0.3, "max_bin": 256,
              "base_score": 0.5, "seed": ${SEED}, "nthread": nthread}
    t0 = time.perf_counter()
    dtrain = xgb.DMatrix(x[:n_train], label=y[:n_train], nthread=nthread)
    booster = xgb.train(params, dtrain, num_boost_round=${TREES})
    secs = time.perf_counter() - t0
    p = booster.predict(xgb.DMatrix(x[n_train:], nthread=nthread))
    out[f"threads_{nthread}"] = {"seconds": secs, "auc": roc_auc_score(y[n_train:], p)}
print(json.dumps(out))
`;

function runXgboost(path: string) {
  const r = spawnSync("/usr/bin/python3", ["-c", PYTHON, path, String(rows), String(COLS), String(nTrain)], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0)
    throw new Error(`XGBoost run failed (apt-get install -y python3-xgboost python3-sklearn?):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string);
}

const { path, x, y } = cachedData();
console.log(`GBDT: ${rows} rows × ${COLS} features (${nTrain} train), ${TREES} trees, depth 6, ${threads} threads`);
const ours = await runOurs(x, y);
console.log(`  ours:             ${ours.seconds.toFixed(2)} s, AUC ${ours.auc.toFixed(5)}`);
if (!args.includes("--ours-only")) {
  const xgb = runXgboost(path);
  const same = xgb[`threads_${threads}`];
  const ratio = ours.seconds / same.seconds;
  console.log(`  XGBoost ${xgb.version} (${threads}t): ${same.seconds.toFixed(2)} s, AUC ${same.auc.toFixed(5)}`);
  console.log(
    `  XGBoost ${xgb.version} (1t): ${xgb.threads_1.seconds.toFixed(2)} s, AUC ${xgb.threads_1.auc.toFixed(5)}`,
  );
  console.log(`  time ratio ours/XGBoost (${threads}t): ${ratio.toFixed(2)} (target ≤ 2)`);
  console.log(`  AUC difference: ${(ours.auc - same.auc).toFixed(5)} (target ≥ -0.002)`);
  const result = { rows, cols: COLS, train_rows: nTrain, trees: TREES, threads, ours, xgboost: xgb, ratio };
  const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `gbdt-vs-xgboost${quick ? "-quick" : ""}.json`);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), ...result }, null, 2)}\n`);
  console.log(`  wrote ${file}`);
}
