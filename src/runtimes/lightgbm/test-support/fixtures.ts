/**
 * Test helpers for the lightgbm runtime: the committed pickled wrappers (around synthetic
 * boosters), the third-party fixtures with LightGBM's own predictions (read from the shared data
 * folder, never committed), MLmodel files and inputs as Tables.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sharedDataDir } from "../../../core/test-support/shared-data.js";
import type { LogicalType, Table } from "../../../data/table.js";
import { tableFromRows } from "../../../data/test-support/build-table.js";
import { parseMlModel } from "../../mlmodel.js";
import type { LoadedModel, MlModelFile } from "../../runtime.js";

/** The committed fixture folder (test-fixtures/runtimes/lightgbm): scikit-learn wrappers of synthetic boosters. */
export const FIXTURES = fileURLToPath(new URL("../../../../test-fixtures/runtimes/lightgbm/", import.meta.url));

/**
 * LightGBM-made models with LightGBM's predictions (egordm/boosters, dmitryikh/leaves): third-party
 * files, read from `lightgbm/` in the shared data folder or MODELWORKS_TEST_DATA_DIR; "" when absent.
 */
export const THIRD_PARTY = sharedDataDir("lightgbm") ?? "";

/** The skip reason of tests needing THIRD_PARTY, or false when it is there. */
export const THIRD_PARTY_SKIP =
  THIRD_PARTY === ""
    ? "third-party LightGBM models not found: no lightgbm/ in ../shared/data/ nor in MODELWORKS_TEST_DATA_DIR (see test-fixtures/runtimes/lightgbm/README.md)"
    : false;

/** Every third-party fixture folder with LightGBM's predictions, and the kind its objective gives it. */
export const THIRD_PARTY_KINDS = {
  "binary-booster": "binary",
  "binary-dart": "binary",
  "regression-booster": "regression",
  "regression-missing": "regression",
  "linear-tree": "regression",
  "poisson-categorical": "regression",
  "multiclass-booster": "multiclass",
  "classifier-pickle": "binary",
  "multiclass-classifier-pickle": "multiclass",
  "regressor-pickle": "regression",
} as const;

/** Inputs and outputs of one fixture: named columns, rows (null = missing), scores. */
export interface Expected {
  columns: string[];
  rows: (number | null)[][];
  /** One per row (binary, regression) or one list of class probabilities per row (multiclass). */
  predictions: (number | number[])[];
  /** The scikit-learn wrappers' classes. */
  classes?: string[];
}

/** The MLmodel of the folder `dir`, parsed as the runtimes' loader does (synchronously, for tests). */
export function mlmodelOf(dir: string): MlModelFile {
  const path = join(dir, "MLmodel");
  return parseMlModel(readFileSync(path, "utf8"), path);
}

/** LightGBM's inputs and predictions for third-party fixture `name` (NAME.expected.json). */
export function readExpected(name: string): Expected {
  return JSON.parse(readFileSync(join(THIRD_PARTY, `${name}.expected.json`), "utf8")) as Expected;
}

/** The fixture rows as a Table typed by the loaded model's signature. */
export function inputTable(model: LoadedModel, expected: Pick<Expected, "columns" | "rows">): Table {
  const types = new Map(model.signature.inputs.map((i) => [i.name, i.type as LogicalType]));
  const colTypes = expected.columns.map((c) => types.get(c) ?? "float");
  return tableFromRows(expected.columns, expected.rows, colTypes);
}

/** A temp copy of the model folder `source` to damage; `cleanup` removes it. */
export function fixtureCopy(source: string): { dir: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), "mw-lgb-"));
  const dir = join(root, basename(source));
  cpSync(source, dir, { recursive: true });
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
