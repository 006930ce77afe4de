/**
 * Our side of the point-in-time join benchmark, run in its own process (so its peak RSS is its
 * own): read the CSV files, build the training set with getHistoricalFeatures, print timings,
 * peak RSS and checksums of the result as one JSON line.
 *
 *   node --import tsx bench/features/ours-pit-join.ts DIR SCALE REPEAT
 *
 * The join runs REPEAT times on the tables read once (each time from scratch); `join` is the median.
 */
import { join } from "node:path";
import { readTable } from "../../src/data/read-table.js";
import type { Table } from "../../src/data/table.js";
import type { FeatureDefinitions } from "../../src/features/definitions/feature-spec.js";
import { getHistoricalFeatures } from "../../src/features/offline/historical-features.js";
import { benchShape } from "./generate-pit-data.js";
import { checksums } from "./result-checksums.js";

const [dir, scaleText, repeatText] = process.argv.slice(2);
const repeat = Math.max(1, Number(repeatText ?? 1));
const shape = benchShape(Number(scaleText));
const seconds = (from: number) => (performance.now() - from) / 1000;

const t0 = performance.now();
const entities = await readTable(join(dir as string, "entities.csv"));
const sources = new Map<string, Table>();
for (const v of shape.views) sources.set(v.name, await readTable(join(dir as string, `${v.name}.csv`)));
const read = seconds(t0);

const definitions: FeatureDefinitions = {
  entities: [{ name: "customer", join_keys: [{ name: "customer_id", type: "int" }] }],
  sources: shape.views.map((v) => ({
    name: v.name,
    dataset: v.name,
    timestamp_field: "ts",
    ...(v.created ? { created_timestamp_column: "created" } : {}),
  })),
  feature_views: shape.views.map((v) => ({
    name: v.name,
    entities: ["customer"],
    source: v.name,
    features: Object.entries(v.types).map(([name, type]) => ({ name, type })),
    ttl_ms: v.ttlDays * 86_400_000,
    online: false,
  })),
  feature_services: [{ name: "bench", features: shape.views.map((v) => v.name) }],
};

const joins: number[] = [];
let result: Awaited<ReturnType<typeof getHistoricalFeatures>> | undefined;
for (let i = 0; i < repeat; i++) {
  const t1 = performance.now();
  result = await getHistoricalFeatures(
    { entities, service: "bench" },
    { definitions, loadDataset: async (name) => ({ table: sources.get(name) as Table, version: 1, digest: name }) },
  );
  joins.push(seconds(t1));
}
const joinSeconds = [...joins].sort((a, b) => a - b)[Math.floor(joins.length / 2)] as number;
const table = (result as NonNullable<typeof result>).table;

console.log(
  JSON.stringify({
    read,
    join: joinSeconds,
    joins,
    total: read + (joins[0] as number),
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    rows: table.numRows,
    columns: table.columnNames,
    checks: checksums(table),
  }),
);
