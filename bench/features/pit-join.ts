/**
 * Point-in-time join: 1,000,000 entity rows against 3 feature views of 10,000,000 rows in total
 * (100,000 customers; ttl 7 days, 30 days and none; 2% corrections tie-broken by created time),
 * ours (getHistoricalFeatures on the columnar Table) against pandas `merge_asof` with the ttl as
 * its tolerance (Debian's /usr/bin/python3 with python3-pandas), on the same CSV files written once.
 * Each side runs in its own process: the join alone is timed (the median of --repeat runs on the
 * files read once, default 3), and the total with reading the files (first run); peak RSS is each
 * process's own. Both results are checksummed and must agree. Target: the join ≥ 5 × faster than pandas.
 *
 *   node --import tsx bench/features/pit-join.ts [--quick] [--scale S] [--repeat N] [--ours-only]
 *
 * `--quick` is scale 0.01 (10,000 entity rows); the files are cached under the OS temp folder.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import { writeResultsFile } from "../lib/results-file.js";
import { generatePitData } from "./generate-pit-data.js";

const TARGET_SPEEDUP = 5;
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const scaleArg = args.indexOf("--scale");
const scale = scaleArg >= 0 ? Number(args[scaleArg + 1]) : quick ? 0.01 : 1;
const oursOnly = args.includes("--ours-only");
const repeatArg = args.indexOf("--repeat");
const repeat = repeatArg >= 0 ? Math.max(1, Number(args[repeatArg + 1])) : 3;
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");

interface Side {
  read: number;
  join: number;
  joins: number[];
  total: number;
  peak_rss_mb: number;
  rows: number;
  columns: string[];
  checks: Record<string, unknown>;
}

function runSide(command: string, argv: string[]): Side | { error: string } {
  const r = spawnSync(command, argv, { cwd: repo, encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0)
    return { error: (r.stderr || r.error?.message || `${command} failed`).trim().split("\n").pop() ?? "" };
  return JSON.parse(r.stdout.trim().split("\n").pop() as string) as Side;
}

const round = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const dir = join(tmpdir(), "modelworks-bench", `pit-join-${scale}-s42`);
  mkdirSync(dir, { recursive: true });
  let t = performance.now();
  const { shape } = await generatePitData(dir, scale);
  const sourceRows = shape.views.reduce((n, v) => n + v.rows, 0);
  console.log(
    `data: ${dir} (${shape.entities} entity rows, ${sourceRows} source rows in ${shape.views.length} views, ${shape.customers} customers; ready in ${round((performance.now() - t) / 1000)}s)`,
  );
  t = performance.now();
  const ours = runSide(process.execPath, [
    "--import",
    "tsx",
    join(here, "ours-pit-join.ts"),
    dir,
    String(scale),
    String(repeat),
  ]);
  if ("error" in ours) throw new Error(`ours failed: ${ours.error}`);
  console.log(
    `ours:   join ${round(ours.join)}s (runs ${ours.joins.map(round).join(", ")}), total with reading ${round(ours.total)}s (read ${round(ours.read)}s), peak RSS ${ours.peak_rss_mb} MB`,
  );
  if (oursOnly) return;
  const views = JSON.stringify(shape.views.map((v) => ({ name: v.name, ttlDays: v.ttlDays, created: v.created })));
  const pandas = runSide("/usr/bin/python3", [join(here, "pandas_pit_join.py"), dir, views, String(repeat)]);
  if ("error" in pandas) {
    console.log(`pandas: unavailable (${pandas.error}); install with apt-get install -y python3-pandas`);
    return;
  }
  console.log(
    `pandas: join ${round(pandas.join)}s (runs ${pandas.joins.map(round).join(", ")}), total with reading ${round(pandas.total)}s (read ${round(pandas.read)}s), peak RSS ${pandas.peak_rss_mb} MB`,
  );
  const same = isDeepStrictEqual(ours.checks, pandas.checks) && isDeepStrictEqual(ours.columns, pandas.columns);
  const speedup = round(pandas.join / ours.join);
  const bestSpeedup = round(Math.min(...pandas.joins) / Math.min(...ours.joins));
  const totalSpeedup = round(pandas.total / ours.total);
  console.log(
    `join ${speedup}× faster by medians, ${bestSpeedup}× by best runs (target ≥ ${TARGET_SPEEDUP}×), total ${totalSpeedup}×; results ${same ? "identical (checksums agree)" : "DIFFER"}`,
  );
  if (!same) console.log(JSON.stringify({ ours: ours.checks, pandas: pandas.checks }, null, 2));
  const out = writeResultsFile(repo, join(repo, "bench", "results", `features-pit-join${quick ? "-quick" : ""}.json`), {
    bench: "features/pit-join",
    when: new Date().toISOString(),
    scale,
    entity_rows: shape.entities,
    source_rows: sourceRows,
    customers: shape.customers,
    repeat,
    ours: { read: ours.read, join: ours.join, joins: ours.joins, total: ours.total, peak_rss_mb: ours.peak_rss_mb },
    pandas: {
      read: pandas.read,
      join: pandas.join,
      joins: pandas.joins,
      total: pandas.total,
      peak_rss_mb: pandas.peak_rss_mb,
    },
    join_speedup: speedup,
    best_join_speedup: bestSpeedup,
    total_speedup: totalSpeedup,
    results_identical: same,
    target_speedup: TARGET_SPEEDUP,
    met: same && speedup >= TARGET_SPEEDUP,
    seconds: round((performance.now() - t) / 1000),
  });
  console.log(`wrote ${out}`);
}

await main();
