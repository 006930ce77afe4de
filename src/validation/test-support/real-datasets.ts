/**
 * Real public tabular data sets for the validation studies: the Telco churn CSV plus small data
 * sets bundled with Debian's python3-sklearn, committed gzipped under `test-fixtures/tabular/`
 * (sources and licenses in its README), and three more (titanic, penguins, chess endgames) read from
 * the shared data folder beside the repository when it holds them (third-party files obtained
 * through the team's tools are not committed). Batches are cut from the CSV text and read again, so each
 * batch gets its own type inference, as a later file of the same source would.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { sharedDataDir, TELCO_CSV } from "../../core/test-support/shared-data.js";
import { readTableFromBuffer } from "../../data/read-table.js";
import type { Table } from "../../data/table.js";

const TABULAR = fileURLToPath(new URL("../../../test-fixtures/tabular/", import.meta.url));
const SHARED_TABULAR = sharedDataDir("tabular");

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
  /** Read only when the shared data folder holds it. */
  optional?: boolean;
}

const SOURCES: Source[] = [
  { name: "telco-churn", label: "Churn", order: "acquisition", path: TELCO_CSV, rowNumbers: true },
  { name: "titanic", label: "survived", order: "grouped", path: `${SHARED_TABULAR}titanic.csv.gz`, optional: true },
  { name: "penguins", label: "species", order: "grouped", path: `${SHARED_TABULAR}penguins.csv.gz`, optional: true },
  { name: "breast-cancer", label: "malignant_benign", order: "acquisition", path: `${TABULAR}breast-cancer.csv.gz` },
  { name: "wine", label: "cultivar", order: "grouped", path: `${TABULAR}wine.csv.gz` },
  { name: "diabetes", label: "progression", order: "acquisition", path: `${TABULAR}diabetes.csv.gz` },
  { name: "digits", label: "digit", order: "grouped", path: `${TABULAR}digits.csv.gz` },
  { name: "kr-vs-kp", label: "class", order: "grouped", path: `${SHARED_TABULAR}kr-vs-kp.csv.gz`, optional: true },
];

/** Every data set of the study that is on disk (optional ones only with the shared folder). */
export function realDatasets(): RealDataset[] {
  const present = SOURCES.filter((s) => !s.optional || (SHARED_TABULAR !== undefined && existsSync(s.path)));
  return present.map((s) => {
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
