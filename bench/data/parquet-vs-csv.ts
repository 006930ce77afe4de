/**
 * Parquet vs CSV on the same 1,000,000 × 20 data (bench/data/generate-csv.ts), in the same run:
 * reading into a Table, and `data profile` end to end, for CSV, the previous Parquet path
 * (hyparquet into JS values) and the current one, on Parquet written by the platform's own
 * writer with snappy and uncompressed, next to DuckDB reading the same Parquet into JS arrays
 * (when @duckdb/node-api or duckdb is in node_modules; otherwise reported as skipped). Every run
 * is a fresh child process (peak RSS is that process's high-water mark, baseline included: see
 * `baseline`); runs are interleaved and the median is reported, with ratios to CSV.
 * Targets: current Parquet ≤ CSV on time and on peak memory.
 *
 *   node --import tsx bench/data/parquet-vs-csv.ts [--quick] [--rows N] [--repeat N] [--no-old]
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { readTable } from "../../src/data/read-table.js";
import { generateBenchCsv } from "./generate-csv.js";
import { writeBenchParquet } from "./generate-parquet.js";

const args = process.argv.slice(2);
const flag = (name: string) => args.indexOf(name);
const quick = args.includes("--quick");
const rows = flag("--rows") >= 0 ? Number(args[flag("--rows") + 1]) : quick ? 20_000 : 1_000_000;
const repeat = flag("--repeat") >= 0 ? Math.max(1, Number(args[flag("--repeat") + 1])) : quick ? 1 : 3;
const withOld = !args.includes("--no-old");
const here = dirname(fileURLToPath(import.meta.url));

interface Run {
  seconds: number;
  cpu_seconds: number;
  max_rss_mib: number;
  profileDigest?: string;
}
interface Case {
  name: string;
  reader: "csv" | "parquet-old" | "parquet-new" | "duckdb";
  task: "read" | "profile";
  file: string;
  runs: Run[];
}

function child(reader: string, task: string, file = ""): Run {
  const script = join(here, "parquet-vs-csv-child.ts");
  const r = spawnSync(process.execPath, ["--import", "tsx", script, reader, task, file], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`${reader} ${task} failed: ${(r.stderr || r.error?.message || "").trim()}`);
  return JSON.parse(r.stdout.trim().split("\n").pop() as string);
}

/** The DuckDB package in node_modules, if any. */
function duckDbPackage(): string | undefined {
  const require = createRequire(import.meta.url);
  for (const name of ["@duckdb/node-api", "duckdb"]) {
    try {
      require.resolve(name);
      return name;
    } catch {
      // not installed
    }
  }
  return undefined;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

async function main(): Promise<void> {
  const cache = join(tmpdir(), "modelworks-bench");
  mkdirSync(cache, { recursive: true });
  const csv = join(cache, `read-profile-validate-${rows}x20-s42.csv`);
  const csvBytes = await generateBenchCsv(csv, rows);
  const table = await readTable(csv);
  const files: Record<string, { path: string; bytes: number }> = { csv: { path: csv, bytes: csvBytes } };
  for (const codec of ["SNAPPY", "UNCOMPRESSED"] as const) {
    const path = join(cache, `parquet-vs-csv-${rows}x20-s42-${codec.toLowerCase()}.parquet`);
    files[codec.toLowerCase()] = { path, bytes: await writeBenchParquet(table, path, codec) };
  }
  for (const [k, f] of Object.entries(files)) console.log(`${k}: ${f.path} (${(f.bytes / 1e6).toFixed(1)} MB)`);

  const duckdb = duckDbPackage();
  console.log(
    duckdb ? `DuckDB: ${duckdb}` : "DuckDB: skipped (neither @duckdb/node-api nor duckdb is in node_modules)",
  );
  const cases: Case[] = [];
  for (const task of ["read", "profile"] as const) {
    cases.push({ name: `${task} csv`, reader: "csv", task, file: csv, runs: [] });
    for (const codec of ["snappy", "uncompressed"]) {
      const file = files[codec]?.path as string;
      if (withOld) cases.push({ name: `${task} parquet-old ${codec}`, reader: "parquet-old", task, file, runs: [] });
      cases.push({ name: `${task} parquet-new ${codec}`, reader: "parquet-new", task, file, runs: [] });
      if (duckdb && task === "read")
        cases.push({ name: `read duckdb ${codec}`, reader: "duckdb", task, file, runs: [] });
    }
  }
  const baseline: number[] = [];
  for (let r = 0; r < repeat; r++) {
    baseline.push(child("csv", "none").max_rss_mib);
    for (const c of cases) {
      const run = child(c.reader, c.task, c.file);
      c.runs.push(run);
      console.log(`  #${r + 1} ${c.name}: ${run.seconds}s (cpu ${run.cpu_seconds}s), peak ${run.max_rss_mib} MiB`);
    }
  }

  const summary = cases.map((c) => ({
    case: c.name,
    seconds: median(c.runs.map((r) => r.seconds)),
    cpu_seconds: median(c.runs.map((r) => r.cpu_seconds)),
    peak_rss_mib: median(c.runs.map((r) => r.max_rss_mib)),
    runs: c.runs,
  }));
  const get = (name: string) => summary.find((s) => s.case === name);
  const ratio = (a: number, b: number | undefined) => (b ? `x${(a / b).toFixed(2)}` : "");
  console.log(`\nmedians of ${repeat} (baseline process: ${median(baseline)} MiB peak); xN = ratio to CSV`);
  for (const s of summary) {
    const csvCase = get(`${s.case.split(" ")[0]} csv`);
    const time = `${s.seconds.toFixed(2).padStart(6)}s ${ratio(s.seconds, csvCase?.seconds).padEnd(6)}`;
    const memory = `${String(s.peak_rss_mib).padStart(5)} MiB ${ratio(s.peak_rss_mib, csvCase?.peak_rss_mib)}`;
    console.log(`${s.case.padEnd(34)} ${time}  cpu ${s.cpu_seconds.toFixed(2).padStart(6)}s  ${memory}`);
  }
  const targets = ["read", "profile"].flatMap((task) =>
    ["snappy", "uncompressed"].map((codec) => {
      const csvCase = get(`${task} csv`);
      const pq = get(`${task} parquet-new ${codec}`);
      return {
        target: `${task} parquet-new ${codec} ≤ csv`,
        time: !!csvCase && !!pq && pq.seconds <= csvCase.seconds,
        memory: !!csvCase && !!pq && pq.peak_rss_mib <= csvCase.peak_rss_mib,
      };
    }),
  );
  for (const t of targets)
    console.log(`${t.target}: time ${t.time ? "met" : "MISSED"}, memory ${t.memory ? "met" : "MISSED"}`);
  const digests = new Set(cases.filter((c) => c.task === "profile").flatMap((c) => c.runs.map((r) => r.profileDigest)));
  console.log(`profiles from every format and path identical: ${digests.size === 1}`);

  const outDir = join(here, "..", "results");
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `data-parquet-vs-csv${quick ? "-quick" : ""}.json`);
  const result = {
    bench: "data/parquet-vs-csv",
    when: new Date().toISOString(),
    rows,
    files,
    baseline_peak_rss_mib: median(baseline),
    duckdb: duckdb ?? "skipped: neither @duckdb/node-api nor duckdb is in node_modules",
    summary,
    targets,
    same_profile: digests.size === 1,
  };
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

await main();
