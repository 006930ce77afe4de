/** Bytes the prediction log takes in a SQLite file (tables, indexes, dictionary), and results files. */
import { join } from "node:path";
import type { Database } from "../../../src/core/db/database.js";
import { writeResultsFile } from "../../lib/results-file.js";
import { REPO_ROOT } from "../../serving/lib/paths.js";

/** The log's tables and their indexes, by name, from SQLite's dbstat (pages in use, after a checkpoint). */
export async function logBytes(db: Database): Promise<{ total: number; byName: [string, number][] }> {
  await db.run("PRAGMA wal_checkpoint(TRUNCATE)");
  const rows = await db.all<{ name: string; bytes: number }>(
    `SELECT name, SUM(pgsize) AS bytes FROM dbstat
     WHERE name LIKE 'log\\_%' ESCAPE '\\' OR name LIKE 'sqlite\\_autoindex\\_log\\_%' ESCAPE '\\'
     GROUP BY name ORDER BY bytes DESC`,
  );
  const byName = rows.map((r) => [r.name, Number(r.bytes)] as [string, number]);
  return { total: byName.reduce((a, [, b]) => a + b, 0), byName };
}

/** Write `bench/volumes/results/NAME[-quick].json`; returns its path. */
export function writeVolumeResults(name: string, quick: boolean, doc: Record<string, unknown>): string {
  const path = join(REPO_ROOT, "bench", "volumes", "results", `${name}${quick ? "-quick" : ""}.json`);
  return writeResultsFile(REPO_ROOT, path, { bench: `volumes/${name}`, when: new Date().toISOString(), quick, ...doc });
}
