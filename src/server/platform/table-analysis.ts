/**
 * The edge where the data and validation modules meet dataset versions: read a file into a
 * Table, profile it, infer its schema, or validate it against a stored schema.
 */
import type { ValidationReportWire } from "../../core/api/platform-routes.js";
import { invalidParam, isMwError } from "../../core/errors.js";
import { profileTable } from "../../data/profile.js";
import type { TableFormat } from "../../data/read-table.js";
import { readTable } from "../../data/read-table.js";
import type { LogicalType } from "../../data/table.js";
import type { TableAnalysis } from "../../data/versions/dataset-versions.js";
import { inferSchema } from "../../validation/infer-schema.js";
import { schemaFromJson } from "../../validation/schema.js";
import { validateTable } from "../../validation/validate.js";

/** Read, profile and infer the schema of a local file. */
export async function analyzeTableFile(
  path: string,
  options: { format: string; label?: string; types?: Record<string, LogicalType> },
): Promise<TableAnalysis> {
  const table = await readTable(path, {
    format: options.format as TableFormat,
    ...(options.types ? { types: options.types } : {}),
  });
  const profile = profileTable(table);
  const schema = inferSchema(table, profile, options.label ? { label: options.label } : {});
  return {
    rows: table.numRows,
    columns: table.columns.length,
    // Compact JSON: the stored copy is for machines; `data show` renders it for humans.
    schemaJson: JSON.stringify(schema),
    profileJson: JSON.stringify(profile),
  };
}

/** Validate a local file against a schema stored as JSON text. */
export async function validateTableFile(path: string, schemaJson: string): Promise<ValidationReportWire> {
  const schema = schemaFromJson(schemaJson);
  const table = await readTable(path).catch((e: unknown) => {
    throw isMwError(e) ? e : invalidParam(`Cannot read the file to validate: ${(e as Error).message}`);
  });
  return validateTable(table, schema) as unknown as ValidationReportWire;
}
