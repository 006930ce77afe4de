/**
 * One measured run of bench/data/parquet-vs-csv.ts, in a fresh process so its peak memory is its own:
 *
 *   node --import tsx bench/data/parquet-vs-csv-child.ts READER TASK FILE
 *
 * READER: csv | parquet-old (hyparquet into JS values, the previous path) | parquet-new (readTable) |
 * duckdb (DuckDB reading the Parquet file into one JS array per column, read only).
 * TASK: read (into a Table), profile (`data profile FILE --json`: the CLI command for csv and
 * parquet-new; the same read + profile + JSON for parquet-old), none (imports only: the baseline).
 * Prints one JSON line: wall and CPU seconds of the task, the process's peak RSS, and a digest of
 * the profile so the parent can check both formats give the same one.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dataCommand } from "../../src/cli/commands/data.js";
import { readParquetWithHyparquet } from "../../src/data/parquet/hyparquet-reader.js";
import { profileTable } from "../../src/data/profile.js";
import { readTable } from "../../src/data/read-table.js";

const [reader, task, file] = process.argv.slice(2);
if (!reader || !task || (task !== "none" && !file)) {
  console.error("usage: parquet-vs-csv-child.ts csv|parquet-old|parquet-new|duckdb read|profile|none FILE");
  process.exit(2);
}

/** A package from node_modules, or undefined when it is not installed. */
async function optional(name: string): Promise<Record<string, unknown> | undefined> {
  return import(name).catch(() => undefined);
}

/** DuckDB's result as JS arrays: @duckdb/node-api's columns, or the older duckdb package's rows. */
async function readWithDuckDb(path: string): Promise<number> {
  const sql = `SELECT * FROM read_parquet('${path.replaceAll("'", "''")}')`;
  // biome-ignore lint/suspicious/noExplicitAny: optional packages without types in this project
  const neo = (await optional("@duckdb/node-api")) as any;
  if (neo) {
    const connection = await neo.DuckDBConnection.create();
    const reader = await connection.runAndReadAll(sql);
    const columns: unknown[][] = reader.getColumnsJS();
    return columns[0]?.length ?? 0;
  }
  // biome-ignore lint/suspicious/noExplicitAny: as above
  const legacy = (await optional("duckdb")) as any;
  if (!legacy) throw new Error("neither @duckdb/node-api nor duckdb is in node_modules");
  const db = new legacy.Database(":memory:");
  const rows = await new Promise<unknown[]>((ok, fail) =>
    db.all(sql, (e: Error | null, r: unknown[]) => (e ? fail(e) : ok(r))),
  );
  return rows.length;
}

async function run(path: string): Promise<{ rows?: number; profileDigest?: string }> {
  if (reader === "duckdb") return { rows: await readWithDuckDb(path) };
  if (task === "read") {
    const table =
      reader === "parquet-old" ? await readParquetWithHyparquet(await readFile(path)) : await readTable(path);
    return { rows: table.numRows };
  }
  let text = "";
  if (reader === "parquet-old") {
    const table = await readParquetWithHyparquet(await readFile(path), { source: path });
    text = JSON.stringify(profileTable(table), null, 2);
  } else {
    const out = (line: string) => {
      text += line;
    };
    const io = { out, err: () => {}, env: {}, cwd: process.cwd() };
    const code = await dataCommand(["profile", path, "--json"], io);
    if (code !== 0) throw new Error(`data profile exited ${code}`);
  }
  return { profileDigest: createHash("sha256").update(text).digest("hex").slice(0, 16) };
}

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const out = task === "none" ? {} : await run(file as string);
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    reader,
    task,
    seconds: Math.round(seconds * 1000) / 1000,
    cpu_seconds: Math.round((cpu.user + cpu.system) / 1000) / 1000,
    max_rss_mib: Math.round(process.resourceUsage().maxRSS / 1024),
    ...out,
  }),
);
