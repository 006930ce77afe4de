/** The scikit-learn fixtures (test-fixtures/runtimes/sklearn, made by its make-fixtures.py) for the Python runtime's tests. */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import type { LogicalType, Table } from "../../../data/table.js";
import { tableFromColumns } from "../../../data/test-support/build-table.js";
import type { MlModelFile } from "../../runtime.js";
import type { PythonModel, PythonRuntimeOptions } from "../python-runtime.js";
import { loadPythonModel } from "../python-runtime.js";

/** Debian's interpreter, which made the fixtures. */
export const DEBIAN_PYTHON = "/usr/bin/python3";

export const SKLEARN_FIXTURES = fileURLToPath(new URL("../../../../test-fixtures/runtimes/sklearn/", import.meta.url));

/** Why the tests cannot run here (undefined when /usr/bin/python3 has scikit-learn, cloudpickle and pandas). */
export function sklearnSkipReason(): string | undefined {
  const r = spawnSync(DEBIAN_PYTHON, ["-c", "import sklearn, cloudpickle, pandas"], { encoding: "utf8" });
  if (r.status === 0) return undefined;
  return `${DEBIAN_PYTHON} cannot import scikit-learn, cloudpickle and pandas (apt install python3-sklearn python3-cloudpickle python3-pandas)`;
}

/** A folder's MLmodel, parsed as MLflow writes it (signature inputs/outputs are JSON strings). */
export function readMlModel(dir: string): MlModelFile {
  const raw = parseYaml(readFileSync(join(dir, "MLmodel"), "utf8")) as Record<string, unknown>;
  const sig = raw.signature as { inputs?: string | null; outputs?: string | null } | undefined;
  const parse = (s: string | null | undefined) => (typeof s === "string" ? (JSON.parse(s) as unknown[]) : undefined);
  return {
    flavors: raw.flavors as MlModelFile["flavors"],
    ...(sig ? { signature: { inputs: parse(sig.inputs), outputs: parse(sig.outputs) } } : {}),
    ...(typeof raw.run_id === "string" ? { runId: raw.run_id } : {}),
    raw,
  };
}

/** A fixture's rows as a Table, with scikit-learn's own output for each row. */
export function fixtureRows(name: string): { table: Table; expected: Array<number | number[]> } {
  const doc = JSON.parse(readFileSync(join(SKLEARN_FIXTURES, `${name}.rows.json`), "utf8")) as {
    columns: Record<string, Array<number | string | null>>;
    types: Record<string, LogicalType>;
    expected: Array<number | number[]>;
  };
  return { table: tableFromColumns(doc.columns, doc.types), expected: doc.expected };
}

/** A copy of a fixture folder in a temporary directory (to break it). */
export async function copyFixture(name: string): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), "mw-sklearn-")), name);
  await cp(join(SKLEARN_FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** Load a fixture folder with Debian's Python. */
export function loadFixture(
  dir: string,
  options: PythonRuntimeOptions = {},
  warn?: (m: string) => void,
): Promise<PythonModel> {
  return loadPythonModel(dir, readMlModel(dir), warn ? { warn } : {}, { python: DEBIAN_PYTHON, ...options });
}
