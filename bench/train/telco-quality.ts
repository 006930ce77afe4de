/**
 * Model quality on Telco churn (7,043 rows) against the reference implementations, on the SAME seeded
 * stratified 80/20 split `fitModel` makes and the SAME encoding (our preprocessing, fitted on the
 * train part only, exported as float64 matrices):
 *
 *   1. our GBDT (`fitModel`, 200 trees, eta 0.05, depth 3) vs XGBoost 1.7.4 `tree_method="hist"`
 *      (min_child_weight 1, reg_lambda 1, max_bin 256, nthread 2) — target: AUC ≥ 0.84 and within
 *      0.005 of XGBoost's; 200 trees trained in under 1 s.
 *   2. our logistic regression (`fitModel` algo "linear": one-hot + standardized) vs scikit-learn
 *      `LogisticRegression(C=1.0, max_iter=5000)` on that matrix — target: AUC within 0.003.
 *
 * Seeds 1 and 42. XGBoost and scikit-learn run under Debian's /usr/bin/python3
 * (apt-get install -y python3-xgboost python3-sklearn).
 *
 *   node --import tsx bench/train/telco-quality.ts
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { TELCO_CSV } from "../../src/core/test-support/shared-data.js";
import { readTable } from "../../src/data/read-table.js";
import type { Table } from "../../src/data/table.js";
import type { FeatureMatrix } from "../../src/learn/feature-matrix.js";
import { trainGbdt } from "../../src/learn/gbdt/index.js";
import { fitPreprocessor } from "../../src/learn/preprocess/fit.js";
import { stratifiedSplit } from "../../src/learn/preprocess/split.js";
import { fitModel } from "../../src/learn/train/fit-model.js";
import { binaryLabel } from "../../src/learn/train/label.js";
import { selectFeatures } from "../../src/learn/train/select-features.js";
import { resolveParams } from "../../src/learn/train/train-params.js";
import { rocAuc } from "./auc.js";

const SEEDS = [1, 42];
const LABEL = "Churn";
const TREES = 200;
const ETA = 0.05;
const DEPTH = 3;
const XGB_THREADS = 2;
const PURE_REPEATS = 5;
const GBDT_PARAMS = [`n_estimators=${TREES}`, `learning_rate=${ETA}`, `max_depth=${DEPTH}`];

/** Row-major float64 bytes of a column-major matrix, for numpy's `fromfile(...).reshape(rows, cols)`. */
function rowMajor(m: FeatureMatrix): Float64Array {
  const out = new Float64Array(m.rows * m.cols);
  for (let j = 0; j < m.cols; j++) {
    const base = j * m.rows;
    for (let i = 0; i < m.rows; i++) out[i * m.cols + j] = m.data[base + i] as number;
  }
  return out;
}

function writeMatrix(dir: string, name: string, m: FeatureMatrix): { path: string; rows: number; cols: number } {
  const path = join(dir, `${name}.f64`);
  writeFileSync(path, rowMajor(m));
  return { path, rows: m.rows, cols: m.cols };
}

function writeLabels(dir: string, name: string, y: Float64Array): string {
  const path = join(dir, `${name}.f64`);
  writeFileSync(path, y);
  return path;
}

/** The split and train-only preprocessing `fitModel` performs, reproduced to export the matrices. */
function prepare(table: Table, seed: number, kind: "tree" | "linear") {
  const label = binaryLabel(table, LABEL);
  const features = selectFeatures(table, LABEL);
  const split = stratifiedSplit(label.y, 0.2, seed);
  const train = table.take(split.train);
  const test = table.take(split.test);
  const pre = fitPreprocessor(train, { features, kind });
  return {
    xTrain: pre.transform(train),
    xTest: pre.transform(test),
    yTrain: binaryLabel(train, LABEL, label.positiveClass).y,
    yTest: binaryLabel(test, LABEL, label.positiveClass).y,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const PYTHON = `
import sys, json, time
import numpy as np, sklearn, xgboost as xgb
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
spec = json.loads(sys.argv[1])
def mat(m): return np.fromfile(m["path"], dtype=np.float64).reshape(m["rows"], m["cols"])
def vec(p): return np.fromfile(p, dtype=np.float64)
out = {"xgboost_version": xgb.__version__, "sklearn_version": sklearn.__version__}
t = spec["tree"]
xtr, xte, ytr, yte = mat(t["x_train"]), mat(t["x_test"]), vec(t["y_train"]), vec(t["y_test"])
for nthread in (${XGB_THREADS}, 1):
    params = {"objective": "binary:logistic", "tree_method": "hist", "max_depth": ${DEPTH}, "eta": ${ETA},
              "min_child_weight": 1, "reg_lambda": 1, "max_bin": 256, "base_score": 0.5,
              "seed": spec["seed"], "nthread": nthread}
    runs = []
    for _ in range(${PURE_REPEATS}):
        t0 = time.perf_counter()
        dtrain = xgb.DMatrix(xtr, label=ytr, missing=np.nan, nthread=nthread)
        booster = xgb.train(params, dtrain, num_boost_round=${TREES})
        runs.append(time.perf_counter() - t0)
    p = booster.predict(xgb.DMatrix(xte, missing=np.nan, nthread=nthread))
    out[f"xgboost_threads_{nthread}"] = {"auc": roc_auc_score(yte, p), "seconds_first": runs[0],
                                         "seconds_median": float(np.median(runs))}
l = spec["linear"]
xtr, xte, ytr, yte = mat(l["x_train"]), mat(l["x_test"]), vec(l["y_train"]), vec(l["y_test"])
t0 = time.perf_counter()
clf = LogisticRegression(C=1.0, max_iter=5000).fit(xtr, ytr)
secs = time.perf_counter() - t0
out["sklearn_logistic"] = {"auc": roc_auc_score(yte, clf.predict_proba(xte)[:, 1]), "seconds": secs,
                           "n_iter": int(clf.n_iter_[0])}
print(json.dumps(out))
`;

function runPython(spec: unknown) {
  const r = spawnSync("/usr/bin/python3", ["-c", PYTHON, JSON.stringify(spec)], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0)
    throw new Error(
      `XGBoost/scikit-learn run failed (apt-get install -y python3-xgboost python3-sklearn?):\n${r.stderr}`,
    );
  return JSON.parse(r.stdout.trim().split("\n").pop() as string);
}

async function runSeed(table: Table, seed: number, dir: string) {
  // 1. GBDT through fitModel (split + preprocessing + training + evaluation).
  const gbdtParams = resolveParams("gbdt", GBDT_PARAMS);
  let t0 = performance.now();
  const gbdtFit = await fitModel(table, { label: LABEL, algo: "gbdt", params: gbdtParams, seed });
  const fitSeconds = (performance.now() - t0) / 1000;

  // The pure 200-tree training on the same preprocessed matrix (what fitModel trains on, minus its
  // per-iteration validation scoring).
  const tree = prepare(table, seed, "tree");
  const { objective: _, ...rest } = gbdtParams;
  const pureParams = { ...(rest as Record<string, number>), objective: "binary:logistic" as const, seed };
  const pureRuns: number[] = [];
  let pureAuc = Number.NaN;
  for (let r = 0; r < PURE_REPEATS; r++) {
    t0 = performance.now();
    const m = await trainGbdt(tree.xTrain, tree.yTrain, pureParams);
    pureRuns.push((performance.now() - t0) / 1000);
    pureAuc = rocAuc(tree.yTest, m.predict(tree.xTest));
  }

  // 2. Logistic regression through fitModel.
  const linParams = resolveParams("linear", []);
  t0 = performance.now();
  const linFit = await fitModel(table, { label: LABEL, algo: "linear", params: linParams, seed });
  const linSeconds = (performance.now() - t0) / 1000;
  const lin = prepare(table, seed, "linear");

  const py = runPython({
    seed,
    tree: {
      x_train: writeMatrix(dir, `tree-train-${seed}`, tree.xTrain),
      x_test: writeMatrix(dir, `tree-test-${seed}`, tree.xTest),
      y_train: writeLabels(dir, `tree-ytrain-${seed}`, tree.yTrain),
      y_test: writeLabels(dir, `tree-ytest-${seed}`, tree.yTest),
    },
    linear: {
      x_train: writeMatrix(dir, `lin-train-${seed}`, lin.xTrain),
      x_test: writeMatrix(dir, `lin-test-${seed}`, lin.xTest),
      y_train: writeLabels(dir, `lin-ytrain-${seed}`, lin.yTrain),
      y_test: writeLabels(dir, `lin-ytest-${seed}`, lin.yTest),
    },
  });
  const xgbMain = py[`xgboost_threads_${XGB_THREADS}`];
  const auc = (f: typeof gbdtFit) => (f.task === "binary" ? (f.evaluation.roc_auc ?? Number.NaN) : Number.NaN);
  const ourGbdtAuc = auc(gbdtFit);
  const ourLinAuc = auc(linFit);
  return {
    seed,
    train_rows: gbdtFit.trainRows,
    test_rows: gbdtFit.evalRows,
    tree_cols: tree.xTrain.cols,
    linear_cols: lin.xTrain.cols,
    gbdt: {
      ours: {
        auc: ourGbdtAuc,
        fit_model_seconds: fitSeconds,
        pure_train_auc: pureAuc,
        pure_train_seconds_first: pureRuns[0] as number,
        pure_train_seconds_median: median(pureRuns),
      },
      xgboost: { version: py.xgboost_version, ...py },
      auc_difference: ourGbdtAuc - xgbMain.auc,
    },
    linear: {
      ours: { auc: ourLinAuc, fit_model_seconds: linSeconds },
      sklearn: { version: py.sklearn_version, ...py.sklearn_logistic },
      auc_difference: ourLinAuc - py.sklearn_logistic.auc,
    },
  };
}

const table = await readTable(TELCO_CSV);
const dir = mkdtempSync(join(tmpdir(), "modelworks-telco-quality-"));
const results: Awaited<ReturnType<typeof runSeed>>[] = [];
try {
  for (const seed of SEEDS) results.push(await runSeed(table, seed, dir));
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const f = (x: number, d = 4) => x.toFixed(d);
const sgn = (x: number) => `${x >= 0 ? "+" : ""}${x.toFixed(4)}`;
console.log(
  `Telco churn, ${table.numRows} rows, seeded stratified 80/20; GBDT ${TREES} trees, eta ${ETA}, depth ${DEPTH}`,
);
console.log("seed | model    | ours AUC | anchor AUC | diff    | ours time                           | anchor time");
for (const r of results) {
  const g = r.gbdt;
  const x2 = g.xgboost[`xgboost_threads_${XGB_THREADS}`];
  const x1 = g.xgboost.xgboost_threads_1;
  console.log(
    `${String(r.seed).padEnd(4)} | GBDT     | ${f(g.ours.auc)}   | ${f(x2.auc)}     | ${sgn(g.auc_difference)} | ` +
      `fitModel ${f(g.ours.fit_model_seconds, 3)} s, train ${f(g.ours.pure_train_seconds_median, 3)} s (1st ${f(g.ours.pure_train_seconds_first, 3)}) | ` +
      `XGBoost ${g.xgboost.version} ${XGB_THREADS}t ${f(x2.seconds_median, 3)} s, 1t ${f(x1.seconds_median, 3)} s (AUC 1t ${f(x1.auc)})`,
  );
  const l = r.linear;
  console.log(
    `${String(r.seed).padEnd(4)} | logistic | ${f(l.ours.auc)}   | ${f(l.sklearn.auc)}     | ${sgn(l.auc_difference)} | ` +
      `fitModel ${f(l.ours.fit_model_seconds, 3)} s${" ".repeat(22)} | sklearn ${l.sklearn.version} ${f(l.sklearn.seconds, 3)} s (${l.sklearn.n_iter} iter)`,
  );
}
for (const r of results) {
  const g = r.gbdt;
  console.log(
    `seed ${r.seed}: GBDT AUC ≥ 0.84 ${g.ours.auc >= 0.84 ? "yes" : "NO"}, |diff| ≤ 0.005 ${Math.abs(g.auc_difference) <= 0.005 ? "yes" : "NO"}, ` +
      `${TREES} trees < 1 s ${g.ours.pure_train_seconds_median < 1 ? "yes" : "NO"}; ` +
      `logistic |diff| ≤ 0.003 ${Math.abs(r.linear.auc_difference) <= 0.003 ? "yes" : "NO"}`,
  );
}
const out = join(dirname(fileURLToPath(import.meta.url)), "..", "results");
mkdirSync(out, { recursive: true });
const file = join(out, "telco-quality.json");
const meta = {
  date: new Date().toISOString(),
  rows: table.numRows,
  trees: TREES,
  learning_rate: ETA,
  max_depth: DEPTH,
};
writeFileSync(file, `${JSON.stringify({ ...meta, results }, null, 2)}\n`);
console.log(`wrote ${file}`);
