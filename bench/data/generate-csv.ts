/** Seeded generator of the benchmark CSV: 14 numeric columns (ints, floats with blanks) and 6 string columns. */
import { once } from "node:events";
import { createWriteStream, existsSync, renameSync, statSync } from "node:fs";
import { seededRandom } from "../../src/core/random.js";

function levels(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}_${String.fromCharCode(65 + (i % 26))}${i}`);
}

const CATEGORIES: Array<[string, string[]]> = [
  ["plan", ["Month-to-month", "One year", "Two year"]],
  ["region", levels("region_eu_west", 12)],
  ["channel", ["Electronic check", "Mailed check", "Bank transfer (automatic)", "Credit card (automatic)", "Other"]],
  ["segment", levels("customer_segment", 50)],
  ["device", ["ios", "android", "desktop", "tablet", "tv", "other", "unknown"]],
];

/** Header of the generated file, in column order. */
export const BENCH_HEADER = [
  "customer_id",
  ...Array.from({ length: 6 }, (_, i) => `int_${i}`),
  ...Array.from({ length: 8 }, (_, i) => `float_${i}`),
  ...CATEGORIES.map(([name]) => name),
];

function row(r: () => number, i: number): string {
  const hex = () =>
    Math.floor(r() * 0x100000000)
      .toString(16)
      .padStart(8, "0");
  const cells: string[] = [`${hex()}-${(1_000_000_000 + i * 7919).toString(36)}-${hex()}-${hex()}`];
  for (let k = 0; k < 6; k++) cells.push(String(Math.floor(r() * 10 ** (k + 4)) - (k === 5 ? 50_000 : 0)));
  for (let k = 0; k < 8; k++) {
    // Floats 4 and 5 have about 2% blanks, like real exports with missing charges.
    if (k >= 4 && k < 6 && r() < 0.02) cells.push("");
    else if (k < 2) cells.push((r() * 10 ** (k + 1)).toFixed(2));
    else cells.push(String(r() * 10 ** (k % 4) - (k === 7 ? 50 : 0)));
  }
  for (const [, lv] of CATEGORIES) cells.push(lv[Math.floor(r() * r() * lv.length)] as string);
  return cells.join(",");
}

/** Write `rows` rows to `path` (skipped when the file already exists), returning its size in bytes. */
export async function generateBenchCsv(path: string, rows: number, seed = 42): Promise<number> {
  if (existsSync(path)) return statSync(path).size;
  const tmp = `${path}.tmp-${process.pid}`;
  const out = createWriteStream(tmp);
  const r = seededRandom(seed);
  out.write(`${BENCH_HEADER.join(",")}\n`);
  let chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    chunk.push(row(r, i));
    if (chunk.length === 10_000 || i === rows - 1) {
      if (!out.write(`${chunk.join("\n")}\n`)) await once(out, "drain");
      chunk = [];
    }
  }
  out.end();
  await once(out, "finish");
  renameSync(tmp, path);
  return statSync(path).size;
}
