/** How the drift tests treat each logical type of a table column. */
import type { LogicalType } from "../../data/table.js";
import type { ColumnKind } from "../stats/stat-test.js";

/** The column kind the drift tests use for a logical type (null: not tested). */
export function kindOf(type: LogicalType): ColumnKind | null {
  if (type === "int" || type === "float") return "numerical";
  if (type === "string" || type === "bool") return "categorical";
  return null;
}

/** Why timestamp columns get no drift test. */
export const TIMESTAMP_SKIPPED = "timestamp column: drift tests cover numerical and categorical columns only";
