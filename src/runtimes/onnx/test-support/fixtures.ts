/** Test helpers: the committed MLflow onnx fixtures, their expected scores and inputs as Tables. */
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LogicalType, Table } from "../../../data/table.js";
import { tableFromRows } from "../../../data/test-support/build-table.js";
import { parseMlModel } from "../../mlmodel.js";
import type { LoadedModel, MlModelFile, ModelKind } from "../../runtime.js";

/** The fixture folder (test-fixtures/runtimes/onnx). */
export const FIXTURES = fileURLToPath(new URL("../../../../test-fixtures/runtimes/onnx/", import.meta.url));

/** Every fixture folder make-fixtures.py writes. */
export const FIXTURE_NAMES = [
  "tree-binary-zipmap",
  "tree-binary-raw",
  "tree-binary-forest",
  "tree-multiclass",
  "tree-regression",
  "linear-binary",
  "plain-logistic",
] as const;

/** The reference scores of one fixture (NAME.expected.json). */
export interface Expected {
  kind: ModelKind;
  classes: string[] | null;
  columns: string[];
  rows: (number | string | null)[][];
  /** One per row (binary, regression) or one list of class probabilities per row (multiclass). */
  predictions: (number | number[])[];
}

/** The MLmodel of the folder `dir`, parsed as the runtimes' loader does. */
export function mlmodelOf(dir: string): MlModelFile {
  const path = join(dir, "MLmodel");
  return parseMlModel(readFileSync(path, "utf8"), path);
}

/** The expected scores of fixture `name`. */
export function readExpected(name: string): Expected {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.expected.json`), "utf8")) as Expected;
}

/** The fixture rows as a Table typed by the loaded model's signature. */
export function inputTable(model: LoadedModel, expected: Expected): Table {
  const types = new Map(model.signature.inputs.map((i) => [i.name, i.type as LogicalType]));
  return tableFromRows(
    expected.columns,
    expected.rows,
    expected.columns.map((c) => types.get(c) ?? "float"),
  );
}

/** A temp copy of fixture `name` to damage; `cleanup` removes it. */
export function fixtureCopy(name: string): { dir: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), "mw-onnx-"));
  const dir = join(root, name);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
