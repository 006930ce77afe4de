/** Logged request rows (one JSON object text each) back into a {@link Table} of the model's inputs. */
import type { Table } from "../../data/table.js";
import type { ModelSignature } from "../../learn/package/model-package.js";
import { field, inputPlan, TableBuilder } from "../../serving/protocols/mlflow/columns.js";

/** The table and how many cells could not be read back (null there), in all and per row. */
export interface LoggedTable {
  table: Table;
  badCells: number;
  badByRow: Uint32Array;
}

/** One column per signature input; an unreadable row or cell becomes null rather than failing the window. */
export function tableFromLogged(inputs: readonly string[], signature: ModelSignature): LoggedTable {
  const plan = inputPlan(signature);
  const builder = new TableBuilder(plan, inputs.length);
  let badCells = 0;
  const badByRow = new Uint32Array(inputs.length);
  for (let row = 0; row < inputs.length; row++) {
    const record = parseRecord(inputs[row] as string);
    for (let i = 0; i < plan.names.length; i++) {
      if (record === undefined) {
        builder.setValue(i, row, null);
        badCells++;
        badByRow[row]++;
        continue;
      }
      try {
        builder.setValue(i, row, field(plan, record, i));
      } catch {
        // Logged by an older signature (another type): treat as missing.
        builder.setValue(i, row, null);
        badCells++;
        badByRow[row]++;
      }
    }
  }
  return { table: builder.finish(), badCells, badByRow };
}

function parseRecord(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
