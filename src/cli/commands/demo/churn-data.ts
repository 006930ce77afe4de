/**
 * The demo's data: the committed Telco churn CSV cut into the batches the story needs, deterministically
 * for a seed — version 1 (rows 0–4999), a holdout for the gate, a shifted batch (resampled towards
 * month-to-month contracts and high monthly charges), and a corrupt batch.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { seededRandom } from "../../../core/random.js";

/** The Telco CSV shipped in the repository (same place from `src/` and `dist/`). */
export const TELCO_CSV = fileURLToPath(
  new URL("../../../../test-fixtures/shared-data/telco-churn.csv", import.meta.url),
);

const NUMERIC = new Set(["SeniorCitizen", "tenure", "MonthlyCharges", "TotalCharges"]);

/** Rows as arrays of strings under one header. */
export interface CsvRows {
  header: string[];
  rows: string[][];
}

/** The batches of the story. */
export interface ChurnData {
  header: string[];
  v1: string[][];
  holdout: string[][];
  /** Unshifted rows for everyday traffic (not in v1). */
  everyday: string[][];
  shifted: string[][];
  corrupt: CsvRows;
}

/** Read the CSV (it has no quoted fields). */
export async function readTelco(path = TELCO_CSV): Promise<CsvRows> {
  const lines = (await readFile(path, "utf8")).split(/\r?\n/).filter((l) => l.length > 0);
  const [head = "", ...rest] = lines;
  return { header: head.split(","), rows: rest.map((l) => l.split(",")) };
}

/** Cut the CSV into the story's batches. */
export function churnBatches(csv: CsvRows, seed: number): ChurnData {
  const { header, rows } = csv;
  const col = (name: string) => header.indexOf(name);
  const contract = col("Contract");
  const charges = col("MonthlyCharges");
  const tenure = col("tenure");
  const payment = col("PaymentMethod");
  const v1 = rows.slice(0, 5000);
  const pool = rows.slice(5000, 6500);
  const holdout = rows.slice(6500);
  const random = seededRandom(seed);
  // Resample the pool towards month-to-month contracts and high charges: a covariate shift whose
  // rows keep their real labels.
  const weights = pool.map((r) => (r[contract] === "Month-to-month" ? 4 : 0.5) * (Number(r[charges]) > 70 ? 4 : 0.5));
  const total = weights.reduce((a, b) => a + b, 0);
  const shifted: string[][] = [];
  for (let i = 0; i < 1500; i++) {
    let u = random() * total;
    let k = 0;
    while (k < pool.length - 1 && u >= (weights[k] as number)) u -= weights[k++] as number;
    shifted.push(pool[k] as string[]);
  }
  // A customer drawn twice is a new customer with the same profile (customerID stays unique).
  const id = header.indexOf("customerID");
  const seen = new Map<string, number>();
  for (let i = 0; i < shifted.length; i++) {
    const row = [...(shifted[i] as string[])];
    const n = seen.get(row[id] as string) ?? 0;
    seen.set(row[id] as string, n + 1);
    if (n > 0) row[id] = `${row[id]}-${n + 1}`;
    shifted[i] = row;
  }
  // Corrupt: negative tenures, a Contract value nobody has seen, and PaymentMethod gone.
  const corruptRows = holdout.slice(0, 300).map((r, i) => {
    const copy = [...r];
    if (i % 3 === 0) copy[tenure] = String(-1 - (i % 12));
    if (i % 4 === 0) copy[contract] = "Decade";
    return copy.filter((_, c) => c !== payment);
  });
  return {
    header,
    v1,
    holdout,
    everyday: pool,
    shifted,
    corrupt: { header: header.filter((_, c) => c !== payment), rows: corruptRows },
  };
}

/** CSV text of rows under a header. */
export function toCsv(header: string[], rows: string[][]): string {
  return `${[header, ...rows].map((r) => r.join(",")).join("\n")}\n`;
}

/** A scoring record (features only, numbers typed) and its outcome. */
export function toRecord(header: string[], row: string[]): { record: Record<string, unknown>; churned: boolean } {
  const record: Record<string, unknown> = {};
  let churned = false;
  header.forEach((name, i) => {
    const v = row[i] ?? "";
    if (name === "Churn") churned = v === "Yes";
    else if (NUMERIC.has(name)) record[name] = v.trim() === "" ? null : Number(v);
    else record[name] = v;
  });
  return { record, churned };
}
