/**
 * Seeded data for the point-in-time join benchmark, written once as CSV (read by both sides):
 * entity rows in random time order, and three feature sources appended in time order (as event
 * logs are), with corrections (same key and time, a later created time) and a few blanks.
 */
import { once } from "node:events";
import { createWriteStream, existsSync, renameSync } from "node:fs";
import { join } from "node:path";
import { seededRandom } from "../../src/core/random.js";

export const T0 = Date.UTC(2024, 0, 1);
const YEAR_S = 365 * 86_400;
const DAY_S = 86_400;
const PLANS = ["basic", "standard", "pro", "family", "business"];

/** One feature source of the benchmark. */
export interface ViewSpec {
  name: string;
  rows: number;
  /** Days; 0 is no limit. */
  ttlDays: number;
  created: boolean;
  header: string[];
  types: Record<string, "int" | "float" | "string">;
}

/** The benchmark's shape: `scale` 1 is 1M entity rows and 10M source rows over 100k customers. */
export function benchShape(scale: number) {
  const views: ViewSpec[] = [
    {
      name: "activity",
      rows: Math.round(5_000_000 * scale),
      ttlDays: 7,
      created: true,
      header: ["customer_id", "ts", "created", "minutes", "spend", "sessions"],
      types: { minutes: "float", spend: "float", sessions: "int" },
    },
    {
      name: "billing",
      rows: Math.round(3_000_000 * scale),
      ttlDays: 30,
      created: false,
      header: ["customer_id", "ts", "balance", "plan"],
      types: { balance: "float", plan: "string" },
    },
    {
      name: "support",
      rows: Math.round(2_000_000 * scale),
      ttlDays: 0,
      created: false,
      header: ["customer_id", "ts", "satisfaction"],
      types: { satisfaction: "float" },
    },
  ];
  return { entities: Math.round(1_000_000 * scale), customers: Math.max(10, Math.round(100_000 * scale)), views };
}

const iso = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

async function writeLines(path: string, header: string, rows: number, line: (i: number) => string): Promise<void> {
  if (existsSync(path)) return;
  const tmp = `${path}.tmp-${process.pid}`;
  const out = createWriteStream(tmp);
  out.write(`${header}\n`);
  let chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    chunk.push(line(i));
    if (chunk.length === 20_000 || i === rows - 1) {
      if (!out.write(`${chunk.join("\n")}\n`)) await once(out, "drain");
      chunk = [];
    }
  }
  out.end();
  await once(out, "finish");
  renameSync(tmp, path);
}

function viewLine(v: ViewSpec, customers: number, r: () => number) {
  let lastCustomer = 0;
  let lastTs = 0;
  return (i: number): string => {
    // 2% of rows correct the row before: same customer and time, written later.
    const correction = i > 0 && r() < 0.02;
    const customer = correction ? lastCustomer : Math.floor(r() * customers);
    const ts = correction ? lastTs : Math.floor((i / v.rows) * YEAR_S);
    lastCustomer = customer;
    lastTs = ts;
    const cells = [String(customer), iso(ts)];
    if (v.created) cells.push(iso(ts + 60 + Math.floor(r() * 3600) + (correction ? 7200 : 0)));
    for (const name of v.header.slice(v.created ? 3 : 2)) {
      const type = v.types[name];
      if (type === "int") cells.push(String(Math.floor(r() * 1000)));
      else if (type === "string") cells.push(PLANS[Math.floor(r() * PLANS.length)] as string);
      else cells.push(r() < 0.01 ? "" : (r() * 100).toFixed(2));
    }
    return cells.join(",");
  };
}

/** Write the files under `dir` (each only when missing); returns their paths. */
export async function generatePitData(dir: string, scale: number, seed = 42) {
  const shape = benchShape(scale);
  const r = seededRandom(seed);
  const entities = join(dir, "entities.csv");
  await writeLines(entities, "customer_id,event_timestamp,label", shape.entities, () => {
    // From two weeks before the first source row to two weeks after the last.
    const at = Math.floor(r() * (YEAR_S + 28 * DAY_S)) - 14 * DAY_S;
    return `${Math.floor(r() * shape.customers)},${iso(at)},${r() < 0.2 ? 1 : 0}`;
  });
  const views: Record<string, string> = {};
  for (const v of shape.views) {
    const path = join(dir, `${v.name}.csv`);
    await writeLines(path, v.header.join(","), v.rows, viewLine(v, shape.customers, seededRandom(seed + v.rows)));
    views[v.name] = path;
  }
  return { entities, views, shape };
}
