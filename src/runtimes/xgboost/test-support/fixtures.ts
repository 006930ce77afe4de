/** Test helpers: the committed MLflow xgboost fixtures, their MLmodel files and inputs as Tables. */
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LogicalType, Table } from "../../../data/table.js";
import { tableFromRows } from "../../../data/test-support/build-table.js";
import { parseMlModel } from "../../mlmodel.js";
import type { LoadedModel, MlModelFile } from "../../runtime.js";

/** The fixture folder (test-fixtures/runtimes/xgboost). */
export const FIXTURES = fileURLToPath(new URL("../../../../test-fixtures/runtimes/xgboost/", import.meta.url));

/** xgboost's inputs and outputs for one fixture (NAME.expected.json). */
export interface Expected {
  columns: string[];
  rows: (number | null)[][];
  /** One per row (binary, regression) or one list of class probabilities per row (multiclass). */
  predictions: (number | number[])[];
}

/** The MLmodel of the folder `dir`, parsed as the runtimes' loader does (synchronously, for tests). */
export function mlmodelOf(dir: string): MlModelFile {
  const path = join(dir, "MLmodel");
  return parseMlModel(readFileSync(path, "utf8"), path);
}

/** The expected outputs of fixture `name`. */
export function readExpected(name: string): Expected {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.expected.json`), "utf8")) as Expected;
}

/** The fixture rows as a Table typed by the loaded model's signature (booleans as booleans). */
export function inputTable(model: LoadedModel, expected: Expected): Table {
  const types = new Map(model.signature.inputs.map((i) => [i.name, i.type as LogicalType]));
  const colTypes = expected.columns.map((c) => types.get(c) ?? "float");
  const rows = expected.rows.map((r) => r.map((v, j) => (v !== null && colTypes[j] === "bool" ? v !== 0 : v)));
  return tableFromRows(expected.columns, rows, colTypes);
}

/** A temp copy of fixture `name` to damage; `cleanup` removes it. */
export function fixtureCopy(name: string): { dir: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), "mw-xgb-"));
  const dir = join(root, name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
