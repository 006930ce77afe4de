/**
 * Checks the lightgbm runtime against the LightGBM 4.6.0 models and predictions in the test
 * resources of jpmml/jpmml-lightgbm (made by its `main.py` with LGBMClassifier / LGBMRegressor on
 * pandas DataFrames: pandas category columns, missing values, cross_entropy, quantile, poisson,
 * tweedie, custom objectives, random forests, linear trees). Those files are AGPL-3.0, so they are
 * not copied into this repository: this script reads them from a git directory of that repository
 * given on its command line, and prints, per model, the largest difference from LightGBM's own
 * predictions.
 *
 *   node --import tsx test-fixtures/runtimes/lightgbm/check-jpmml.ts GIT_DIR [commit]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LogicalType } from "../../../src/data/table.js";
import { tableFromRows } from "../../../src/data/test-support/build-table.js";
import { lightgbmRuntime } from "../../../src/runtimes/lightgbm/lightgbm-runtime.js";
import { parseMlModel } from "../../../src/runtimes/mlmodel.js";

const [gitDir, commit = "026780f9615cf8815c16895f7274576ecf8b5792"] = process.argv.slice(2);
if (!gitDir) throw new Error("usage: check-jpmml.ts JPMML_GIT_DIR [COMMIT]");
const RES = "pmml-lightgbm/src/test/resources";
const show = (path: string) =>
  execFileSync("git", ["--git-dir", gitDir, "show", `${commit}:${RES}/${path}`], { maxBuffer: 1 << 26 }).toString();

type Cell = number | string | boolean | null;
interface Csv {
  header: string[];
  rows: Cell[][];
  types: LogicalType[];
}

/** A CSV as pandas reads it here: N/A is missing, TRUE/FALSE booleans, numbers, else strings. */
function readCsv(name: string): Csv {
  const lines = show(`csv/${name}.csv`).trim().split("\n");
  const header = (lines[0] as string).split(",");
  const raw = lines.slice(1).map((l) => l.split(",").map((v) => (v === "N/A" || v === "NA" ? null : v)));
  const types = header.map((_, j): LogicalType => {
    const values = raw.map((r) => r[j]).filter((v): v is string => v !== null && v !== undefined);
    if (values.every((v) => v === "TRUE" || v === "FALSE")) return "bool";
    return values.every((v) => v.trim() !== "" && Number.isFinite(Number(v))) ? "float" : "string";
  });
  const rows = raw.map((r) =>
    r.map((v, j) => {
      if (v === null || v === undefined) return null;
      if (types[j] === "bool") return v === "TRUE";
      return types[j] === "float" ? Number(v) : v;
    }),
  );
  return { header, rows, types };
}

const MLFLOW_TYPES: Record<string, string> = { float: "double", bool: "boolean", string: "string" };

interface Case {
  model: string;
  data: string;
  features: string[] | "sorted-except" | "dummies";
  target: string;
  kind: "binary" | "multiclass" | "regression";
}

const AUDIT = ["Age", "Employment", "Education", "Marital", "Occupation", "Income", "Gender", "Deductions", "Hours"];
const AUTO = ["cylinders", "displacement", "horsepower", "weight", "acceleration", "model_year", "origin"];
const VISIT = ["age", "outwork", "female", "married", "kids", "hhninc", "educ", "self"];
const VERSICOLOR = ["Sepal.Length", "Sepal.Width", "Dummy", "Petal.Length", "Petal.Width"];
const CASES: Case[] = [
  ...["ClassificationIris", "ClassificationIrisNA", "RFClassificationIris"].map((model) => ({
    model,
    data: model.endsWith("NA") ? "IrisNA" : "Iris",
    features: "sorted-except" as const,
    target: "Species",
    kind: "multiclass" as const,
  })),
  ...["ClassificationAudit", "ClassificationAuditNA", "RFClassificationAudit", "LinearTreeClassificationAudit"]
    .concat(["LinearTreeClassificationAuditNA"])
    .map((model) => ({ model, data: model.endsWith("NA") ? "AuditNA" : "Audit", features: AUDIT, target: "", kind: "binary" as const })),
  { model: "ClassificationAudit", data: "AuditInvalid", features: AUDIT, target: "", kind: "binary" },
  { model: "ClassificationAuditBin", data: "Audit", features: "dummies", target: "", kind: "binary" },
  { model: "ClassificationAuditBinNA", data: "AuditNA", features: "dummies", target: "", kind: "binary" },
  { model: "ClassificationVersicolor", data: "Versicolor", features: VERSICOLOR, target: "", kind: "binary" },
  ...["RegressionAuto", "RegressionAutoNA", "RFRegressionAuto", "LinearTreeRegressionAuto", "LinearTreeRegressionAutoNA"].map(
    (model) => ({ model, data: model.endsWith("NA") ? "AutoNA" : "Auto", features: AUTO, target: "", kind: "regression" as const }),
  ),
  ...["RegressionHousing", "RegressionHousingNA"].map((model) => ({
    model,
    data: model.endsWith("NA") ? "HousingNA" : "Housing",
    features: "sorted-except" as const,
    target: "MEDV",
    kind: "regression" as const,
  })),
  ...["RegressionVisit", "RegressionVisitNA"].map((model) => ({
    model,
    data: model.endsWith("NA") ? "VisitNA" : "Visit",
    features: VISIT,
    target: "",
    kind: "regression" as const,
  })),
];

/** The expected scores: P(class 1), the class probabilities, or `_target`. */
function expectedScores(c: Case, expectedName: string): number[] {
  const csv = readCsv(expectedName);
  const col = (name: string) => csv.header.indexOf(name);
  if (c.kind === "regression") return csv.rows.map((r) => r[col("_target")] as number);
  if (c.kind === "binary") return csv.rows.map((r) => r[col("probability(1)")] as number);
  return csv.rows.flatMap((r) => [0, 1, 2].map((k) => r[col(`probability(${k})`)] as number));
}

/** get_dummies columns (`Employment_Private`) from the model's own feature names. */
function dummies(csv: Csv, featureNames: string[]): { names: string[]; rows: Cell[][]; types: LogicalType[] } {
  const index = new Map(csv.header.map((h, j) => [h, j]));
  const rows = csv.rows.map((r) =>
    featureNames.map((f) => {
      if (index.has(f)) return r[index.get(f) as number] ?? null;
      const cut = f.indexOf("_");
      const v = r[index.get(f.slice(0, cut)) as number];
      return v === f.slice(cut + 1) ? 1 : 0;
    }),
  );
  return { names: featureNames, rows, types: featureNames.map(() => "float") };
}

async function check(c: Case): Promise<{ name: string; rows: number; diff: number }> {
  const modelText = show(`lgbm/${c.model}.txt`);
  const csv = readCsv(c.data);
  const featureNames = (modelText.match(/^feature_names=(.*)$/m)?.[1] ?? "").split(" ");
  let names: string[];
  let rows: Cell[][];
  let types: LogicalType[];
  if (c.features === "dummies") ({ names, rows, types } = dummies(csv, featureNames));
  else {
    names = c.features === "sorted-except" ? csv.header.filter((h) => h !== c.target).sort() : c.features;
    const at = names.map((n) => csv.header.indexOf(n));
    rows = csv.rows.map((r) => at.map((j) => r[j] ?? null));
    types = at.map((j) => csv.types[j] as LogicalType);
  }
  const signature = names.map((name, j) => ({ type: MLFLOW_TYPES[types[j] as string], name, required: true }));
  const dir = mkdtempSync(join(tmpdir(), "mw-jpmml-"));
  try {
    writeFileSync(join(dir, "model.lgb"), modelText);
    const mlmodel = `flavors:\n  lightgbm: {data: model.lgb, model_class: lightgbm.basic.Booster}\nsignature:\n  inputs: '${JSON.stringify(signature)}'\n`;
    writeFileSync(join(dir, "MLmodel"), mlmodel);
    const model = await lightgbmRuntime.load(dir, parseMlModel(mlmodel, "MLmodel"), {});
    const scores = (await model.predict(tableFromRows(names, rows, types))).scores;
    const suffix = c.data === "AuditInvalid" ? "Invalid" : "";
    const want = expectedScores(c, `${c.model}${suffix}`);
    if (want.length !== scores.length) throw new Error(`${c.model}: ${scores.length} scores, expected ${want.length}`);
    let diff = 0;
    want.forEach((w, i) => {
      diff = Math.max(diff, Math.abs(w - (scores[i] as number)));
    });
    return { name: `${c.model} on ${c.data}`, rows: csv.rows.length, diff };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let worst = 0;
for (const c of CASES) {
  const r = await check(c);
  worst = Math.max(worst, r.diff);
  console.log(`${r.name.padEnd(48)} ${String(r.rows).padStart(5)} rows   max |diff| ${r.diff.toExponential(2)}`);
}
console.log(`worst ${worst.toExponential(2)} ${worst <= 1e-6 ? "(within 1e-6)" : "(NOT within 1e-6)"}`);
