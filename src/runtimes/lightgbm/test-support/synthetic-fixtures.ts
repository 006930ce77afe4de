/**
 * The plumbing tests' LightGBM models: synthetic text models (this project's generator) written at
 * test time as MLflow 2.x folders (`MLmodel` with `lightgbm` and `python_function` flavors,
 * `model.lgb`, `requirements.txt`), with input rows and the scores `referenceScores` gives them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { referenceScores } from "./reference-scores.js";
import { type SyntheticSpec, syntheticFeatureNames, syntheticModel, syntheticRows } from "./synthetic-model.js";

/** One synthetic fixture: its model, its MLmodel signature and the rows it is checked on. */
interface SyntheticFixture {
  readonly spec: SyntheticSpec;
  readonly kind: "binary" | "regression" | "multiclass";
  /** Signature inputs: named columns (`double` unless listed in `ints`), a tensor, or none. */
  readonly signature: "columns" | "tensor" | "none";
  /** Signature column names when they differ from the model's feature names. */
  readonly columns?: readonly string[];
  readonly ints?: readonly number[];
  readonly rows: number;
  readonly missingRate: number;
}

const TEN = 10;

/** The synthetic fixtures by folder name. */
export const SYNTHETIC = {
  // Numerical splits of every missing type (None, Zero, NaN); a signature naming the columns
  // x0..x9 while the model calls them Column_0..9.
  binary: {
    spec: { objective: "binary", iterations: 10, leaves: 8, features: TEN, missing: ["none", "zero", "nan"], seed: 11 },
    kind: "binary",
    signature: "columns",
    columns: Array.from({ length: TEN }, (_, j) => `x${j}`),
    rows: 40,
    missingRate: 0.1,
  },
  regression: {
    spec: { objective: "regression", iterations: 10, leaves: 8, features: TEN, missing: ["none", "nan"], seed: 12 },
    kind: "regression",
    signature: "none",
    rows: 40,
    missingRate: 0.1,
  },
  // Small trees (4 leaves) whose splits all have missing type NaN, and many missing values.
  "regression-missing": {
    spec: { objective: "regression", iterations: 20, leaves: 4, features: TEN, missing: ["nan"], seed: 13 },
    kind: "regression",
    signature: "columns",
    rows: 40,
    missingRate: 0.25,
  },
  multiclass: {
    spec: {
      objective: "multiclass",
      numClass: 3,
      iterations: 10,
      leaves: 6,
      features: TEN,
      missing: ["nan", "zero"],
      seed: 14,
    },
    kind: "multiclass",
    signature: "tensor",
    rows: 40,
    missingRate: 0.1,
  },
  // Poisson (exp link) with categorical splits (bitsets of one and two words) on features 0..3.
  categorical: {
    spec: {
      objective: "poisson",
      iterations: 20,
      leaves: 12,
      features: 8,
      categorical: [0, 1, 2, 3],
      missing: ["nan", "none"],
      featureNames: ["brand", "region", "area", "gas", "power", "age", "bonus", "density"],
      seed: 15,
    },
    kind: "regression",
    signature: "columns",
    ints: [0, 1, 2, 3],
    rows: 60,
    missingRate: 0.1,
  },
} as const satisfies Record<string, SyntheticFixture>;

/** A synthetic fixture's name. */
export type SyntheticName = keyof typeof SYNTHETIC;

/** A fixture's rows (model feature order) and their reference scores. */
export interface SyntheticExpected {
  columns: string[];
  rows: (number | null)[][];
  predictions: (number | number[])[];
}

/** The columns a fixture's rows are named by (its signature's, else the model's feature names). */
function columnsOf(f: SyntheticFixture): string[] {
  return f.columns ? [...f.columns] : syntheticFeatureNames(f.spec);
}

/** The rows and reference scores of fixture `name`. */
export function syntheticExpected(name: SyntheticName): SyntheticExpected {
  const f: SyntheticFixture = SYNTHETIC[name];
  const rows = syntheticRows(f.spec, f.rows, f.spec.seed + 100, f.missingRate);
  return { columns: columnsOf(f), rows, predictions: referenceScores(syntheticModel(f.spec), rows) };
}

function signatureYaml(f: SyntheticFixture): string {
  if (f.signature === "none") return "";
  const inputs =
    f.signature === "tensor"
      ? [{ type: "tensor", "tensor-spec": { dtype: "float64", shape: [-1, f.spec.features] } }]
      : columnsOf(f).map((name, j) => ({ type: f.ints?.includes(j) ? "long" : "double", name, required: true }));
  return `signature:\n  inputs: '${JSON.stringify(inputs)}'\n  outputs: null\n  params: null\n`;
}

/** The MLmodel file MLflow 2.x writes for a Booster logged with `mlflow.lightgbm.log_model`. */
function mlmodelText(f: SyntheticFixture): string {
  return [
    "artifact_path: model",
    "flavors:",
    "  lightgbm:",
    "    code: null",
    "    data: model.lgb",
    "    lgb_version: 4.6.0",
    "    model_class: lightgbm.basic.Booster",
    "  python_function:",
    "    data: model.lgb",
    "    env:",
    "      conda: conda.yaml",
    "      virtualenv: python_env.yaml",
    "    loader_module: mlflow.lightgbm",
    "    python_version: 3.11.2",
    "mlflow_version: 2.12.2",
    "model_uuid: 5f0c3b1e8a2d4c6f9b7e1a3d5c7e9f10",
    "run_id: synthetic",
    `${signatureYaml(f)}utc_time_created: '2026-12-07 00:00:00.000000'`,
    "",
  ].join("\n");
}

/** Writes fixture `name` as an MLflow model folder `dir`. */
export function writeSyntheticFolder(dir: string, name: SyntheticName): void {
  const f: SyntheticFixture = SYNTHETIC[name];
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "model.lgb"), syntheticModel(f.spec));
  writeFileSync(join(dir, "MLmodel"), mlmodelText(f));
  writeFileSync(join(dir, "requirements.txt"), "mlflow==2.12.2\nlightgbm==4.6.0\n");
}

let root: string | undefined;

/**
 * The folder holding every synthetic fixture (`<root>/<name>/`), written once per test process
 * into a temp folder removed when the process exits.
 */
export function syntheticRoot(): string {
  if (root !== undefined) return root;
  const dir = mkdtempSync(join(tmpdir(), "mw-lgb-synthetic-"));
  for (const name of Object.keys(SYNTHETIC) as SyntheticName[]) writeSyntheticFolder(join(dir, name), name);
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  root = dir;
  return dir;
}

/** The folder of synthetic fixture `name`. */
export function syntheticDir(name: SyntheticName): string {
  return join(syntheticRoot(), name);
}
