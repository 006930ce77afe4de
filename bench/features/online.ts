/**
 * Online features (issue 21): reads of 10 features for one entity and for a 100-entity batch, in
 * process on SQLite and over loopback on Redis (a redis-server this script starts on a free port,
 * no persistence), and materialization rows/s into both: 1,000,000 source rows of 100,000 entities
 * (10 float features), the latest row per entity written. Reads go through `readFeatures`, the call
 * serving makes (plan, key encoding, store read, ttl and statuses). Targets: one-entity p99 < 1 ms
 * on SQLite, < 2 ms on Redis. The one-row `/invocations` comparison is bench/features/serving.ts.
 *
 *   node --import tsx bench/features/online.ts [--quick] [--no-write] [--redis URL]
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Column } from "../../src/data/table.js";
import { Table } from "../../src/data/table.js";
import type { FeatureDefinitions } from "../../src/features/definitions/feature-spec.js";
import { materialize } from "../../src/features/online/materialize.js";
import { entityRows, planOnline, readFeatures } from "../../src/features/online/online-features.js";
import type { OnlineStore } from "../../src/features/online/online-store.js";
import { openRedisOnlineStore } from "../../src/features/online/redis/redis-online-store.js";
import { openSqliteOnlineStore } from "../../src/features/online/sqlite/sqlite-online-store.js";
import { stopChild } from "../lib/child-process.js";
import { writeResultsFile } from "../lib/results-file.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const noWrite = args.includes("--no-write");
const redisArg = args.indexOf("--redis");
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, "..", "..");
const ENTITIES = quick ? 10_000 : 100_000;
const ROWS_PER_ENTITY = 10;
const FEATURES = 10;
const READS = quick ? 2_000 : 20_000;
const BATCHES = quick ? 200 : 2_000;
const T0 = Date.UTC(2026, 0, 1);
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

const defs: FeatureDefinitions = {
  entities: [{ name: "customer", join_keys: [{ name: "customer_id", type: "int" }] }],
  sources: [{ name: "src", dataset: "usage", timestamp_field: "ts" }],
  feature_views: [
    {
      name: "usage",
      entities: ["customer"],
      source: "src",
      features: Array.from({ length: FEATURES }, (_, j) => ({ name: `f${j}`, type: "float" as const })),
      ttl_ms: 0,
      online: true,
    },
  ],
  feature_services: [{ name: "svc", features: ["usage"] }],
};

function sourceTable(): Table {
  const n = ENTITIES * ROWS_PER_ENTITY;
  const ids = new Float64Array(n);
  const ts = new Float64Array(n);
  const cols: Column[] = [];
  for (let i = 0; i < n; i++) {
    ids[i] = i % ENTITIES;
    ts[i] = T0 + Math.floor(i / ENTITIES) * 3_600_000;
  }
  for (let j = 0; j < FEATURES; j++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = ((i * 7919 + j * 104729) % 1000) / 10;
    cols.push({ name: `f${j}`, type: "float", values: v, length: n });
  }
  return new Table([
    { name: "customer_id", type: "int", values: ids, length: n },
    { name: "ts", type: "timestamp", values: ts, length: n },
    ...cols,
  ]);
}

function quantiles(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => round(s[Math.min(s.length - 1, Math.floor(p * s.length))] as number);
  return { p50_ms: q(0.5), p90_ms: q(0.9), p99_ms: q(0.99), max_ms: round(s[s.length - 1] as number) };
}

async function measure(store: OnlineStore, table: Table) {
  const t = performance.now();
  const [m] = await materialize(
    { start: T0, end: T0 + 100 * 3_600_000 },
    {
      definitions: defs,
      loadDataset: async () => ({ table, version: 1, digest: "x" }),
      store,
      clock: { now: Date.now },
    },
  );
  const secs = (performance.now() - t) / 1000;
  const plan = planOnline(defs, { service: "svc" });
  const one = async (ids: number[]) => {
    const e = entityRows(plan, { customer_id: ids }, 10_000);
    const cols = await readFeatures(plan, e.keyValues, e.rows, store, Date.now());
    if (cols.length !== FEATURES || cols[0]?.statuses[0] !== "PRESENT") throw new Error("bad read");
  };
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % ENTITIES;
  };
  for (let i = 0; i < 1000; i++) await one([next()]);
  const single: number[] = [];
  for (let i = 0; i < READS; i++) {
    const id = next();
    const s = performance.now();
    await one([id]);
    single.push(performance.now() - s);
  }
  const batch: number[] = [];
  for (let i = 0; i < BATCHES; i++) {
    const ids = Array.from({ length: 100 }, next);
    const s = performance.now();
    await one(ids);
    batch.push(performance.now() - s);
  }
  return {
    materialize: {
      source_rows: m?.source_rows,
      entities: m?.entities,
      seconds: round(secs),
      source_rows_per_s: Math.round((m?.source_rows ?? 0) / secs),
      entities_written_per_s: Math.round((m?.entities ?? 0) / secs),
    },
    read_one_entity_10_features: { reads: READS, ...quantiles(single) },
    read_100_entities_10_features: { reads: BATCHES, ...quantiles(batch) },
  };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function startRedis(): Promise<{ url: string; stop: () => Promise<void> } | undefined> {
  if (redisArg >= 0) return { url: args[redisArg + 1] as string, stop: async () => {} };
  if (!existsSync("/usr/bin/redis-server")) return undefined;
  const port = await freePort();
  const child = spawn(
    "/usr/bin/redis-server",
    ["--bind", "127.0.0.1", "--port", String(port), "--save", "", "--appendonly", "no"],
    {
      stdio: "ignore",
    },
  );
  const url = `redis://127.0.0.1:${port}`;
  const probe = openRedisOnlineStore(url, { connectTimeoutMs: 200 });
  for (let i = 0; i < 100; i++) {
    if (
      await probe.listViews().then(
        () => true,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await probe.close();
  return { url, stop: () => stopChild(child) };
}

async function main() {
  const table = sourceTable();
  const dir = mkdtempSync(join(tmpdir(), "mw-bench-online-"));
  const results: Record<string, unknown> = {};
  try {
    const sqlite = openSqliteOnlineStore(join(dir, "online.db"));
    results.sqlite = await measure(sqlite, table);
    await sqlite.close();
    console.log("sqlite", JSON.stringify(results.sqlite));
    const redis = await startRedis();
    if (redis) {
      const store = openRedisOnlineStore(redis.url, { prefix: "mwbench:" });
      try {
        results.redis = await measure(store, table);
      } finally {
        await store.dropView("usage");
        await store.close();
        await redis.stop();
      }
      console.log("redis", JSON.stringify(results.redis));
    } else console.log("redis: skipped (no /usr/bin/redis-server; pass --redis URL)");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const p99 = (k: string) =>
    (results[k] as { read_one_entity_10_features: { p99_ms: number } } | undefined)?.read_one_entity_10_features.p99_ms;
  const doc = {
    bench: "features/online",
    when: new Date().toISOString(),
    quick,
    entities: ENTITIES,
    source_rows: ENTITIES * ROWS_PER_ENTITY,
    features: FEATURES,
    ...results,
    targets: { sqlite_one_entity_p99_ms: 1, redis_one_entity_p99_ms: 2 },
    met: { sqlite: (p99("sqlite") ?? 99) < 1, redis: p99("redis") === undefined ? null : (p99("redis") as number) < 2 },
  };
  console.log(JSON.stringify(doc.met));
  if (!noWrite)
    console.log(
      `wrote ${writeResultsFile(repo, join(repo, "bench", "results", `features-online${quick ? "-quick" : ""}.json`), doc)}`,
    );
}

await main();
