/**
 * Real public tabular data sets for the validation studies: the Telco churn CSV plus small data
 * sets bundled with Debian's python3-sklearn, committed gzipped under `test-fixtures/tabular/`
 * (sources and licenses in its README). Batches are cut from the CSV text and read again, so each
 * batch gets its own type inference, as a later file of the same source would.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTableFromBuffer } from "../../data/read-table.js";
import type { Table } from "../../data/table.js";

const TABULAR = fileURLToPath(new URL("../../../test-fixtures/tabular/", import.meta.url));

/**
 * Row order: `acquisition` (records as they came), or `grouped` (sorted by class or name, or in
 * blocks by writer), where the file's later part is another population: a contiguous split of a
 * grouped file is a real distribution change, reported apart from clean batches.
 */
export type RowOrder = "acquisition" | "grouped";

/** A data set as a header line and its data lines (no field holds a line break). */
export interface RealDataset {
  name: string;
  label: string;
  order: RowOrder;
  header: string;
  lines: string[];
}

interface Source {
  name: string;
  label: string;
  order: RowOrder;
  path: string;
  /** Prepend a `RowNumber` column (1, 2, ...), as exports often do (issue 21's churn file had one). */
  rowNumbers?: boolean;
}

const SOURCES: Source[] = [
  { name: "telco-churn", label: "Churn", order: "acquisition", path: TELCO_CSV, rowNumbers: true },
  { name: "titanic", label: "survived", order: "grouped", path: `${TABULAR}titanic.csv.gz` },
  { name: "penguins", label: "species", order: "grouped", path: `${TABULAR}penguins.csv.gz` },
  { name: "breast-cancer", label: "malignant_benign", order: "acquisition", path: `${TABULAR}breast-cancer.csv.gz` },
  { name: "wine", label: "cultivar", order: "grouped", path: `${TABULAR}wine.csv.gz` },
  { name: "diabetes", label: "progression", order: "acquisition", path: `${TABULAR}diabetes.csv.gz` },
  { name: "digits", label: "digit", order: "grouped", path: `${TABULAR}digits.csv.gz` },
  { name: "kr-vs-kp", label: "class", order: "grouped", path: `${TABULAR}kr-vs-kp.csv.gz` },
];

/** Every data set of the study, read from disk. */
export function realDatasets(): RealDataset[] {
  return SOURCES.map((s) => {
    const bytes = readFileSync(s.path);
    const text = (s.path.endsWith(".gz") ? gunzipSync(bytes) : bytes).toString("utf8");
    const [header, ...lines] = text.split(/\r?\n/).filter((l) => l !== "");
    if (!s.rowNumbers) return { name: s.name, label: s.label, order: s.order, header: header as string, lines };
    const numbered = lines.map((l, i) => `${i + 1},${l}`);
    return { name: s.name, label: s.label, order: s.order, header: `RowNumber,${header}`, lines: numbered };
  });
}

/** The rows at `indices` (in that order) as a table read from CSV text. */
export async function batchTable(data: RealDataset, indices: readonly number[]): Promise<Table> {
  const text = `${data.header}\n${indices.map((i) => data.lines[i]).join("\n")}\n`;
  return readTableFromBuffer(Buffer.from(text), { format: "csv", source: `${data.name}[${indices.length} rows]` });
}
