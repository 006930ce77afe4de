/** Telco churn rows as scoring requests: one row per request (dataframe_records) or a big dataframe_split. */
import { readFileSync } from "node:fs";
import { TELCO_CSV } from "./paths.js";

export type Cell = string | number | null;
export type TelcoRecord = Record<string, Cell>;

const LABEL = "Churn";
const NUMERIC = new Set(["SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges"]);

export interface TelcoRows {
  /** Feature columns (every column but the label, customerID included: extra columns are ignored). */
  columns: string[];
  rows: Cell[][];
}

let cached: TelcoRows | undefined;

/** The 7,043 rows without Churn, typed as JSON clients send them (blank TotalCharges → null). */
export function loadTelco(): TelcoRows {
  if (cached) return cached;
  // The file has no quoted fields, so a plain split is exact.
  const lines = readFileSync(TELCO_CSV, "utf8").trim().split(/\r?\n/);
  const header = (lines[0] as string).split(",");
  const keep = header.map((c, i) => (c === LABEL ? -1 : i)).filter((i) => i >= 0);
  const columns = keep.map((i) => header[i] as string);
  const rows = lines.slice(1).map((line) => {
    const cells = line.split(",");
    return keep.map((i) => {
      const raw = (cells[i] ?? "").trim();
      if (!NUMERIC.has(header[i] as string)) return raw;
      return raw === "" ? null : Number(raw);
    });
  });
  cached = { columns, rows };
  return cached;
}

/** One row as an object. */
export function telcoRecord(index: number): TelcoRecord {
  const { columns, rows } = loadTelco();
  const row = rows[index % rows.length] as Cell[];
  return Object.fromEntries(columns.map((c, i) => [c, row[i] ?? null]));
}

/** `{"dataframe_records":[row]}` for each Telco row. */
export function singleRowBodies(): string[] {
  return loadTelco().rows.map((_, i) => JSON.stringify({ dataframe_records: [telcoRecord(i)] }));
}

/** `{"dataframe_split":{columns,data}}` with `n` rows (the Telco rows repeated as needed). */
export function splitBody(n: number): string {
  const { columns, rows } = loadTelco();
  const data = Array.from({ length: n }, (_, i) => rows[i % rows.length]);
  return JSON.stringify({ dataframe_split: { columns, data } });
}
