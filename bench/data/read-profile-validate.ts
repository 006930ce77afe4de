/**
 * CSV read + profile + validate, 1M rows × 20 columns, against pandas `read_csv` + `describe(include="all")`
 * on the same file in the same run. Target: ours ≤ 0.7 × pandas. `--quick` runs a small smoke size.
 *
 *   node --import tsx bench/data/read-profile-validate.ts [--quick] [--rows N]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readTable } from "../../src/data/read-table.js";
import type { Table } from "../../src/data/table.js";
import { generateBenchCsv } from "./generate-csv.js";

const TARGET_RATIO = 0.7;
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const rowsArg = args.indexOf("--rows");
const rows = rowsArg >= 0 ? Number(args[rowsArg + 1]) : quick ? 20_000 : 1_000_000;

type Step = (t: Table) => unknown;

/** The other engineers' modules, imported dynamically so the bench runs before they land. */
async function optionalSteps(): Promise<{ profile?: Step; validate?: Step; notes: string[] }> {
  const notes: string[] = [];
  const load = async (spec: string) => import(spec).catch((e: Error) => void notes.push(`${spec}: ${e.message}`));
  const profileMod = await load("../../src/data/profile.js");
  const inferMod = await load("../../src/validation/infer-schema.js");
  const validateMod = await load("../../src/validation/validate.js");
  const out: { profile?: Step; validate?: Step; notes: string[] } = { notes };
  if (profileMod?.profileTable) out.profile = (t) => profileMod.profileTable(t);
  if (inferMod?.inferSchema && validateMod?.validateTable) {
    out.validate = (t) => validateMod.validateTable(t, inferMod.inferSchema(t));
  }
  return out;
}

function seconds(from: number): number {
  return Math.round(performance.now() - from) / 1000;
}

async function timeOurs(path: string) {
  const steps = await optionalSteps();
  let t0 = performance.now();
  const table = await readTable(path);
  const read = seconds(t0);
  t0 = performance.now();
  steps.profile?.(table);
  const profile = steps.profile ? seconds(t0) : null;
  t0 = performance.now();
  steps.validate?.(table);
  const validate = steps.validate ? seconds(t0) : null;
  return { read, profile, validate, total: read + (profile ?? 0) + (validate ?? 0), notes: steps.notes, table };
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
  for (const n of ours.notes) console.log(`  skipped: ${n}`);
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
    ours: { read: ours.read, profile: ours.profile, validate: ours.validate, total: ours.total, skipped: ours.notes },
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
