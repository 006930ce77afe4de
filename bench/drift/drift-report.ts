/**
 * Drift report benchmark: 1,000,000 reference rows × 20 columns (15 numeric, 5 categorical) against
 * 1,000,000 current rows (some columns shifted). The reference is prepared once, as it is stored
 * with a model; the timed path is the full report without HTML (every column's default Evidently
 * test, histograms for plots, dataset verdict), and the same with KS forced on the numeric columns.
 * The anchor is SciPy on the same data in the same run (Debian's /usr/bin/python3): KS and
 * Wasserstein on the 15 numeric columns, Jensen–Shannon on the 5 categorical ones.
 *
 *   node --import tsx bench/drift/drift-report.ts [--rows 1000000] [--quick] [--no-write]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { seededRandom } from "../../src/core/random.js";
import type { Column } from "../../src/data/table.js";
import { Table } from "../../src/data/table.js";
import { computeDrift, computeDriftParallel } from "../../src/monitoring/drift/compute-drift.js";
import { prepareReference } from "../../src/monitoring/drift/drift-reference.js";
import { writeResultsFile } from "../lib/results-file.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const { values: flags } = parseArgs({
  options: {
    rows: { type: "string" },
    quick: { type: "boolean" },
    "no-write": { type: "boolean" },
    runs: { type: "string" },
  },
});
const rows = Number(flags.rows ?? (flags.quick ? 100_000 : 1_000_000));
const runs = Number(flags.runs ?? 3);

const LEVELS = [3, 4, 7, 12, 50];

/** One side's table; `shift` moves some numeric columns and re-weights one categorical column. */
function makeTable(n: number, seed: number, shift: boolean): { table: Table; categorical: Int32Array[] } {
  const r = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  const columns: Column[] = [];
  for (let k = 0; k < 15; k++) {
    const v = new Float64Array(n);
    const moved = shift && k % 3 === 0; // 5 of 15 numeric columns drift
    for (let i = 0; i < n; i++) {
      const x =
        k % 5 === 0
          ? normal() * 10 + 50
          : k % 5 === 1
            ? Math.exp(normal() * 0.5 + 3)
            : k % 5 === 2
              ? r() * 1000
              : k % 5 === 3
                ? Math.floor(r() * 72) // tenure-like integers
                : Math.round(normal() * 300 + 2000) / 10;
      v[i] = moved ? x * 1.1 + 2 : x;
    }
    columns.push({ name: `num_${k}`, type: k % 5 === 3 ? "int" : "float", values: v, length: n });
  }
  const categorical: Int32Array[] = [];
  LEVELS.forEach((levels, k) => {
    const codes = new Int32Array(n);
    const skew = shift && k === 1 ? 0.5 : 1;
    for (let i = 0; i < n; i++) codes[i] = Math.min(levels - 1, Math.floor(r() ** skew * r() * levels));
    const dictionary = Array.from({ length: levels }, (_, j) => `level_${k}_${j}`);
    columns.push({ name: `cat_${k}`, type: "string", codes, dictionary, length: n });
    categorical.push(codes);
  });
  return { table: new Table(columns), categorical };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function timeIt(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

const t0 = performance.now();
const ref = makeTable(rows, 1, false);
const cur = makeTable(rows, 2, true);
console.log(`generated ${rows.toLocaleString("en")} × 20 twice in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const prepareS = timeIt(() => prepareReference(ref.table));
const reference = prepareReference(ref.table);
let report = computeDrift(reference, cur.table);
const defaultTimes: number[] = [];
const ksTimes: number[] = [];
const oneThread: number[] = [];
for (let i = 0; i < runs; i++) {
  // What `modelworks drift` runs: the current columns sorted on two threads, then the tests.
  let t = performance.now();
  report = await computeDriftParallel(reference, cur.table);
  defaultTimes.push((performance.now() - t) / 1000);
  t = performance.now();
  await computeDriftParallel(reference, cur.table, { numMethod: "ks" });
  ksTimes.push((performance.now() - t) / 1000);
  oneThread.push(timeIt(() => computeDrift(reference, cur.table)));
}
const tests = [...new Set(report.columns.map((c) => c.test))].join(", ");
console.log(
  `report: ${report.drifted_columns}/${report.columns_checked} columns drifted (${tests}); ` +
    `default tests median ${median(defaultTimes).toFixed(3)} s (one thread ${median(oneThread).toFixed(3)} s), KS on numeric median ${median(ksTimes).toFixed(3)} s; reference prepared once in ${prepareS.toFixed(2)} s`,
);

// The same columns for SciPy, as raw little-endian arrays.
const dir = mkdtempSync(join(tmpdir(), "mw-drift-bench-"));
let scipy: Record<string, number | string> | undefined;
try {
  const meta = { columns: [] as { name: string; kind: string }[] };
  for (const c of ref.table.columns) {
    const kind = c.type === "string" ? "categorical" : "numerical";
    meta.columns.push({ name: c.name, kind });
    const side = (t: Table) => {
      const col = t.column(c.name) as Column;
      return col.type === "string" ? col.codes : (col as { values: Float64Array }).values;
    };
    writeFileSync(join(dir, `ref-${c.name}.bin`), Buffer.from(side(ref.table).buffer));
    writeFileSync(join(dir, `cur-${c.name}.bin`), Buffer.from(side(cur.table).buffer));
  }
  writeFileSync(join(dir, "meta.json"), JSON.stringify(meta));
  const out = execFileSync("/usr/bin/python3", [join(ROOT, "bench/drift/scipy_drift.py"), dir], { encoding: "utf8" });
  scipy = JSON.parse(out) as Record<string, number | string>;
} catch (e) {
  console.log(`SciPy anchor not run: ${(e as Error).message.split("\n")[0]}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const ours = {
  default_tests_s: median(defaultTimes),
  default_tests_one_thread_s: median(oneThread),
  ks_numeric_s: median(ksTimes),
  prepare_reference_s: prepareS,
};
const result: Record<string, unknown> = {
  rows,
  columns: 20,
  runs,
  modelworks: ours,
  report: { drifted_columns: report.drifted_columns, columns_checked: report.columns_checked, tests },
  target_s: 1,
};
if (scipy) {
  const sci = scipy as { ks_numeric_s: number; wasserstein_numeric_s: number; jensenshannon_categorical_s: number };
  const sameTests = sci.wasserstein_numeric_s + sci.jensenshannon_categorical_s;
  result.scipy = scipy;
  result.ratios = {
    default_report_vs_scipy_same_tests: ours.default_tests_s / sameTests,
    ks_report_vs_scipy_ks_plus_js: ours.ks_numeric_s / (sci.ks_numeric_s + sci.jensenshannon_categorical_s),
  };
  console.log(
    `SciPy ${scipy.scipy}: KS on 15 numeric ${sci.ks_numeric_s.toFixed(2)} s, Wasserstein ${sci.wasserstein_numeric_s.toFixed(2)} s, JS on 5 categorical ${sci.jensenshannon_categorical_s.toFixed(2)} s`,
  );
  console.log(
    `ratio: default report / SciPy same tests = ${(ours.default_tests_s / sameTests).toFixed(3)}; KS report / SciPy KS+JS = ${(ours.ks_numeric_s / (sci.ks_numeric_s + sci.jensenshannon_categorical_s)).toFixed(3)}`,
  );
}
if (!flags["no-write"]) {
  const name = flags.quick ? "drift-quick.json" : "drift.json";
  console.log(`wrote ${writeResultsFile(ROOT, join(ROOT, "bench/results", name), result)}`);
}
