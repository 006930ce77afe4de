/**
 * CSV read + profile + validate, 1M rows × 20 columns, against pandas `read_csv` + `describe(include="all")`
 * on the same file in the same run. Target: ours ≤ 0.7 × pandas. `--quick` runs a small smoke size.
 *
 *   node --import tsx bench/data/read-profile-validate.ts [--quick] [--rows N] [--ours-only] [--read-only] [--repeat N]
 *
 * `--ours-only` skips pandas (no ratio, no result file); `--read-only` also skips profile/validate;
 * `--repeat N` also prints N-1 further reads (the reported read is the first, as in a real run).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { profileTable } from "../../src/data/profile.js";
import { readTable } from "../../src/data/read-table.js";
import { inferSchema } from "../../src/validation/infer-schema.js";
import { validateTable } from "../../src/validation/validate.js";
import { generateBenchCsv } from "./generate-csv.js";

const TARGET_RATIO = 0.7;
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const rowsArg = args.indexOf("--rows");
const oursOnly = args.includes("--ours-only") || args.includes("--read-only");
const readOnly = args.includes("--read-only");
const repeatArg = args.indexOf("--repeat");
const repeat = repeatArg >= 0 ? Math.max(1, Number(args[repeatArg + 1])) : 1;
const rows = rowsArg >= 0 ? Number(args[rowsArg + 1]) : quick ? 20_000 : 1_000_000;

function seconds(from: number): number {
  return Math.round(performance.now() - from) / 1000;
}

async function timeOurs(path: string) {
  let t0 = performance.now();
  let table = await readTable(path);
  const read = seconds(t0);
  for (let i = 1; i < repeat; i++) {
    t0 = performance.now();
    table = await readTable(path);
    const again = seconds(t0);
    console.log(`  read #${i + 1}: ${again}s`);
  }
  if (readOnly) return { read, profile: null, validate: null, total: read, table };
  t0 = performance.now();
  const profile = profileTable(table);
  const profileSeconds = seconds(t0);
  // "Against its own schema": inferred from this table's profile, as `data add` stores it.
  t0 = performance.now();
  const report = validateTable(table, inferSchema(table, profile));
  const validate = seconds(t0);
  if (!report.success) throw new Error("the file failed validation against its own schema");
  return { read, profile: profileSeconds, validate, total: read + profileSeconds + validate, table };
}

function timePandas(path: string): { read: number; describe: number; total: number } | { error: string } {
  const script = [
    "import sys, time, json",
    "import pandas as pd",
    "t0 = time.perf_counter(); df = pd.read_csv(sys.argv[1]); t1 = time.perf_counter()",
    "d = df.describe(include='all'); t2 = time.perf_counter()",
    "print(json.dumps({'read': t1 - t0, 'describe': t2 - t1, 'total': t2 - t0}))",
  ].join("\n");
  const r = spawnSync("/usr/bin/python3", ["-c", script, path], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (r.status !== 0)
    return { error: (r.stderr || r.error?.message || "python3 failed").trim().split("\n").pop() ?? "" };
  return JSON.parse(r.stdout.trim().split("\n").pop() as string);
}

async function main(): Promise<void> {
  const cache = join(tmpdir(), "modelworks-bench");
  mkdirSync(cache, { recursive: true });
  const path = join(cache, `read-profile-validate-${rows}x20-s42.csv`);
  const bytes = await generateBenchCsv(path, rows);
  console.log(`file: ${path} (${(bytes / 1e6).toFixed(1)} MB, ${rows} rows × 20 columns)`);
  const ours = await timeOurs(path);
  const types = ours.table.columns.map((c) => c.type).join(",");
  console.log(`ours:   read ${ours.read}s, profile ${ours.profile ?? "n/a"}s, validate ${ours.validate ?? "n/a"}s`);
  if (oursOnly) {
    console.log(`ours total ${ours.total.toFixed(2)}s (pandas skipped); column types ${types}`);
    return;
  }
  const pandas = timePandas(path);
  const ratio = "total" in pandas ? Math.round((ours.total / pandas.total) * 100) / 100 : null;
  if ("total" in pandas)
    console.log(`pandas: read_csv ${pandas.read.toFixed(2)}s + describe ${pandas.describe.toFixed(2)}s`);
  else console.log(`pandas: unavailable (${pandas.error}); install with apt-get install -y python3-pandas`);
  console.log(`ours total ${ours.total.toFixed(2)}s; ratio ${ratio ?? "n/a"} (target ≤ ${TARGET_RATIO})`);
  const here = dirname(fileURLToPath(import.meta.url));
  const outDir = join(here, "..", "results");
  mkdirSync(outDir, { recursive: true });
  const result = {
    bench: "data/read-profile-validate",
    when: new Date().toISOString(),
    rows,
    bytes,
    ours: { read: ours.read, profile: ours.profile, validate: ours.validate, total: ours.total },
    column_types: types,
    pandas,
    ratio,
    target_ratio: TARGET_RATIO,
    met: ratio !== null && ratio <= TARGET_RATIO,
  };
  const out = join(outDir, `data-read-profile-validate${quick ? "-quick" : ""}.json`);
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

await main();
