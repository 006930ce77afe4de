/**
 * Validation that does not cry wolf (issue 21): infer a schema from one part of each real data set
 * (test-fixtures/tabular and the Telco churn CSV), validate the rest in clean batches (every
 * failure is a false alarm) and in corrupted copies of them (every pass is a miss). Splits per
 * seed: first 80% / last 20%, random halves, and 200-row batches after a contiguous or a random
 * half. Corruptions: nulls injected, a few values out of range, a column shifted, an unseen
 * category, text in a numeric column, two columns swapped, a column dropped.
 *
 *   node --import tsx bench/validation/false-alarms.ts [--seeds 10] [--no-write]
 *
 * Prints the tables and the first false alarms and misses; writes
 * bench/results/validation-false-alarms.json unless --no-write.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { CORRUPTION_KINDS } from "../../src/validation/test-support/corruptions.js";
import {
  corruptedTotal,
  formatStudy,
  runStudy,
  type StudyRow,
  studyTotal,
} from "../../src/validation/test-support/false-alarm-study.js";
import { realDatasets } from "../../src/validation/test-support/real-datasets.js";
import { writeResultsFile } from "../lib/results-file.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const { values: flags } = parseArgs({ options: { seeds: { type: "string" }, "no-write": { type: "boolean" } } });
const count = Number(flags.seeds ?? 10);
if (!Number.isInteger(count) || count < 1) throw new Error(`--seeds: expected a positive integer, got ${flags.seeds}`);
const seeds = Array.from({ length: count }, (_, i) => i + 1);

const t0 = performance.now();
const rows = await runStudy(realDatasets(), seeds);
const seconds = Math.round(performance.now() - t0) / 1000;
console.log(`${rows.length} data sets, seeds 1..${count}, ${seconds}s\n`);
console.log(formatStudy(rows));
for (const r of rows) {
  if (r.alarms.length === 0 && r.missed.length === 0) continue;
  console.log(`\n${r.dataset}:`);
  for (const a of r.alarms) console.log(`  false alarm  ${a}`);
  for (const m of r.missed) console.log(`  missed       ${m}`);
}

const share = (a: number, b: number) => (b === 0 ? null : Math.round((1e4 * a) / b) / 1e4);
const summarize = (r: StudyRow) => ({
  dataset: r.dataset,
  rows: r.rows,
  clean_batches: r.cleanBatches,
  false_alarms: r.falseAlarms,
  false_alarm_rate: share(r.falseAlarms, r.cleanBatches),
  detection_rate: share(corruptedTotal(r).detected, corruptedTotal(r).total),
  detection_by_kind: Object.fromEntries(
    CORRUPTION_KINDS.map((k) => [k, { ...r.corrupted[k], rate: share(r.corrupted[k].detected, r.corrupted[k].total) }]),
  ),
  look_alike_swaps: { ...r.alikeSwaps, rate: share(r.alikeSwaps.detected, r.alikeSwaps.total) },
  grouped_file_shift: { batches: r.shiftBatches, alarms: r.shiftAlarms },
});
if (!flags["no-write"]) {
  const doc = {
    bench: "validation/false-alarms",
    when: new Date().toISOString(),
    seeds: count,
    seconds,
    total: summarize(studyTotal(rows)),
    datasets: rows.map(summarize),
  };
  console.log(`\nwrote ${writeResultsFile(ROOT, join(ROOT, "bench/results/validation-false-alarms.json"), doc)}`);
}
