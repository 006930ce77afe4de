/** Markdown tables, number formatting and the JSON results file. */
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { writeResultsFile } from "../../lib/results-file.js";
import { REPO_ROOT } from "./paths.js";

/** A markdown table with padded columns. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(3, h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ")} |`;
  return [line(headers), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

/** `12,345` */
export const int = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "n/a");
/** `1.23` (milliseconds and ratios) */
export const fixed = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
/** `PASS` / `MISS` for a reported (not asserted) target. */
export const verdict = (pass: boolean): string => (pass ? "PASS" : "MISS");
/** `k1: n1, k2: n2` for a count map (sorted by key), or `-` when empty. */
export const countsText = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}: ${int(v)}`)
    .join(", ") || "-";

/** The machine context printed under every table: CPU count and load when the run started. */
export function machineNote(): string {
  const [one, five] = loadavg();
  return `${cpus().length} CPUs shared by load generator and server; load average before the run ${fixed(one ?? 0)} (1 min), ${fixed(five ?? 0)} (5 min).`;
}

/** Write `bench/serving/results/NAME[-quick].json` (formatted as biome expects); returns its path. */
export function writeResults(name: string, quick: boolean, doc: Record<string, unknown>): string {
  const path = join(REPO_ROOT, "bench", "serving", "results", `${name}${quick ? "-quick" : ""}.json`);
  return writeResultsFile(REPO_ROOT, path, { bench: `serving/${name}`, when: new Date().toISOString(), quick, ...doc });
}
