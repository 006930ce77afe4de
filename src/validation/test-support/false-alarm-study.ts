/**
 * The false-alarm study behind issue 21: infer a schema from one part of a real data set,
 * validate the later clean batches (they must pass) and corrupted copies of them (they must fail).
 * Contiguous splits of grouped files (sorted by class or name) are a real change of population;
 * their alarms are counted apart. Shared by the test and `bench/validation/false-alarms.ts`.
 */
import { seededRandom } from "../../core/random.js";
import { profileTable } from "../../data/profile.js";
import { type InferOptions, inferSchema } from "../infer-schema.js";
import type { ValidationReport } from "../report.js";
import { validateTable } from "../validate.js";
import { CORRUPTION_KINDS, type CorruptionKind, corruptions } from "./corruptions.js";
import { batchTable, type RealDataset } from "./real-datasets.js";
import { splitsFor } from "./splits.js";

/** Corrupted batches and how many failed validation. */
export interface Tally {
  total: number;
  detected: number;
}

/** Counts of one data set (or of all). */
export interface StudyRow {
  dataset: string;
  rows: number;
  cleanBatches: number;
  falseAlarms: number;
  /** Contiguous batches of grouped files: another population. */
  shiftBatches: number;
  shiftAlarms: number;
  corrupted: Record<CorruptionKind, Tally>;
  /** Swaps of look-alike columns (see `Corrupted.alike`): reported apart, no check can see them. */
  alikeSwaps: Tally;
  /** The first 20 false alarms (`split: column check`) and missed corruptions (`kind column`). */
  alarms: string[];
  missed: string[];
}

/** The inference under study (another one can be compared). */
export type Infer = typeof inferSchema;

/** Runs the study on each data set for each seed. */
export async function runStudy(
  datasets: RealDataset[],
  seeds: number[],
  options: InferOptions = {},
  infer: Infer = inferSchema,
): Promise<StudyRow[]> {
  const rows: StudyRow[] = [];
  for (const data of datasets) {
    const row = emptyRow(data.name, data.lines.length);
    for (const seed of seeds) await studySeed(data, seed, { ...options, label: data.label }, infer, row);
    rows.push(row);
  }
  return rows;
}

async function studySeed(
  data: RealDataset,
  seed: number,
  options: InferOptions,
  infer: Infer,
  row: StudyRow,
): Promise<void> {
  const random = seededRandom(seed * 7919 + 1);
  for (const split of splitsFor(data.lines.length, seed)) {
    const shifted = split.contiguous && data.order === "grouped";
    const train = await batchTable(data, split.train);
    const profile = profileTable(train);
    const schema = infer(train, profile, options);
    for (const [b, indices] of split.batches.entries()) {
      const batch = await batchTable(data, indices);
      const report = validateTable(batch, schema);
      const where = `seed ${seed}, ${split.name} #${b}`;
      if (shifted) {
        row.shiftBatches++;
        if (!report.success) row.shiftAlarms++;
        continue;
      }
      row.cleanBatches++;
      if (!report.success) {
        row.falseAlarms++;
        for (const failed of errors(report)) note(row.alarms, `${where}: ${failed}`);
      }
      for (const c of corruptions(batch, profile, random)) {
        const tally = c.alike ? row.alikeSwaps : row.corrupted[c.kind];
        tally.total++;
        if (!validateTable(c.table, schema).success) tally.detected++;
        else if (!c.alike) note(row.missed, `${where}: ${c.kind} ${c.column}`);
      }
    }
  }
}

function errors(report: ValidationReport): string[] {
  return report.results
    .filter((r) => !r.success && r.severity === "error")
    .map((r) => `${r.column ?? "table"} ${r.check} (${r.observed})`);
}

function note(list: string[], line: string): void {
  if (list.length < 20) list.push(line);
}

function emptyRow(dataset: string, rows: number): StudyRow {
  const corrupted = Object.fromEntries(CORRUPTION_KINDS.map((k) => [k, { total: 0, detected: 0 }]));
  return {
    dataset,
    rows,
    cleanBatches: 0,
    falseAlarms: 0,
    shiftBatches: 0,
    shiftAlarms: 0,
    corrupted: corrupted as StudyRow["corrupted"],
    alikeSwaps: { total: 0, detected: 0 },
    alarms: [],
    missed: [],
  };
}

/** The sum of the rows. */
export function studyTotal(rows: StudyRow[]): StudyRow {
  const total = emptyRow("all", 0);
  for (const r of rows) {
    total.rows += r.rows;
    total.cleanBatches += r.cleanBatches;
    total.falseAlarms += r.falseAlarms;
    total.shiftBatches += r.shiftBatches;
    total.shiftAlarms += r.shiftAlarms;
    for (const k of CORRUPTION_KINDS) add(total.corrupted[k], r.corrupted[k]);
    add(total.alikeSwaps, r.alikeSwaps);
  }
  return total;
}

function add(to: Tally, from: Tally): void {
  to.total += from.total;
  to.detected += from.detected;
}

/** Detected and total corrupted batches over every kind (look-alike swaps apart). */
export function corruptedTotal(r: StudyRow): Tally {
  return CORRUPTION_KINDS.reduce(
    (s, k) => ({ total: s.total + r.corrupted[k].total, detected: s.detected + r.corrupted[k].detected }),
    { total: 0, detected: 0 },
  );
}

/**
 * The study as two fixed-width tables: per data set, false alarms on clean batches and corrupted
 * batches caught (look-alike swaps and grouped-file shifts apart); then detection per corruption kind.
 */
export function formatStudy(rows: StudyRow[]): string {
  const all = [...rows, studyTotal(rows)];
  const rate = (t: Tally) => (t.total === 0 ? "-" : `${t.detected}/${t.total} ${pct(t.detected, t.total)}`);
  const summary = [
    ["data set", "rows", "false alarms", "corrupted caught", "look-alike swaps caught", "grouped-file shift alarms"],
    ...all.map((r) => [
      r.dataset,
      String(r.rows),
      rate({ detected: r.falseAlarms, total: r.cleanBatches }),
      rate(corruptedTotal(r)),
      rate(r.alikeSwaps),
      rate({ detected: r.shiftAlarms, total: r.shiftBatches }),
    ]),
  ];
  const kinds = [
    ["data set", ...CORRUPTION_KINDS],
    ...all.map((r) => [r.dataset, ...CORRUPTION_KINDS.map((k) => rate(r.corrupted[k]))]),
  ];
  return `${fixedWidth(summary)}\n\ncorrupted batches caught, per kind:\n${fixedWidth(kinds)}`;
}

function pct(a: number, b: number): string {
  return `${((100 * a) / b).toFixed(1)}%`;
}

function fixedWidth(table: string[][]): string {
  const widths = (table[0] as string[]).map((_, j) => Math.max(...table.map((r) => (r[j] as string).length)));
  return table
    .map((r) =>
      r
        .map((cell, j) => cell.padEnd(widths[j] as number))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
