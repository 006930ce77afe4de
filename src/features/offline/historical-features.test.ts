import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isMwError } from "../../core/errors.js";
import type { Table } from "../../data/table.js";
import { valueAt } from "../../data/table.js";
import { tableFromColumns } from "../../data/test-support/build-table.js";
import type { FeatureDefinitions } from "../definitions/feature-spec.js";
import type { LoadedDataset } from "./historical-features.js";
import { getHistoricalFeatures } from "./historical-features.js";

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const at = (hours: number) => new Date(T0 + hours * H);

const DEFS: FeatureDefinitions = {
  entities: [{ name: "customer", join_keys: [{ name: "customer_id", type: "int" }] }],
  sources: [
    { name: "stats_src", dataset: "stats", timestamp_field: "ts", created_timestamp_column: "created" },
    { name: "tickets_src", dataset: "tickets", timestamp_field: "ts" },
  ],
  feature_views: [
    {
      name: "stats",
      entities: ["customer"],
      source: "stats_src",
      features: [
        { name: "charges", type: "float" },
        { name: "plan", type: "string" },
      ],
      ttl_ms: 2 * H,
      online: true,
    },
    {
      name: "tickets",
      entities: ["customer"],
      source: "tickets_src",
      features: [{ name: "open", type: "int" }],
      ttl_ms: 0,
      online: false,
    },
  ],
  feature_services: [{ name: "churn", features: ["stats", "tickets:open"] }],
};

const DATASETS: Record<string, Table> = {
  stats: tableFromColumns({
    customer_id: [1, 1, 1, 2, 1],
    ts: [at(0), at(5), at(5), at(1), at(5)],
    created: [at(0), at(6), at(7), at(1), at(7)],
    charges: [10, 20, 30, 40, 35],
    plan: ["a", "b", "c", "d", "e"],
  }),
  tickets: tableFromColumns({ customer_id: [2, 1], ts: [at(2), at(3)], open: [4, 1] }),
};

async function load(name: string, version?: number): Promise<LoadedDataset> {
  return { table: DATASETS[name] as Table, version: version ?? 1, digest: `sha-${name}` };
}

function rows(t: Table): Record<string, unknown>[] {
  return Array.from({ length: t.numRows }, (_, i) =>
    Object.fromEntries(
      t.columns.map((c) => {
        const v = valueAt(c, i);
        return [c.name, c.type === "timestamp" && v !== null ? (Number(v) - T0) / H : v];
      }),
    ),
  );
}

describe("get historical features", () => {
  test("a left join in entity order: latest at or before, ttl inclusive, ties by created time then later row", async () => {
    const entities = tableFromColumns({
      customer_id: [1, 1, 2, 3, 1, 1, 2],
      event_timestamp: [at(5), at(7), at(2), at(9), at(-1), at(17), at(3)],
      label: ["y", "n", "y", "n", "y", "n", "y"],
    });
    const r = await getHistoricalFeatures({ entities, service: "churn" }, { definitions: DEFS, loadDataset: load });
    assert.deepEqual(rows(r.table), [
      // Three rows at 5h: created 6h, 7h and 7h: the later of the two 7h rows wins.
      { customer_id: 1, event_timestamp: 5, label: "y", charges: 35, plan: "e", open: 1 },
      // 7h: the 5h row is exactly ttl (2h) old, so still valid.
      { customer_id: 1, event_timestamp: 7, label: "n", charges: 35, plan: "e", open: 1 },
      { customer_id: 2, event_timestamp: 2, label: "y", charges: 40, plan: "d", open: 4 },
      // A customer without rows, a time before any row, and a row past ttl (tickets has none).
      { customer_id: 3, event_timestamp: 9, label: "n", charges: null, plan: null, open: null },
      { customer_id: 1, event_timestamp: -1, label: "y", charges: null, plan: null, open: null },
      { customer_id: 1, event_timestamp: 17, label: "n", charges: null, plan: null, open: 1 },
      // Exactly ttl after the 1h row: the lower bound is inclusive too.
      { customer_id: 2, event_timestamp: 3, label: "y", charges: 40, plan: "d", open: 4 },
    ]);
    assert.deepEqual(r.sources, [
      { source: "stats_src", dataset: "stats", version: 1, digest: "sha-stats" },
      { source: "tickets_src", dataset: "tickets", version: 1, digest: "sha-tickets" },
    ]);
    assert.equal(r.table.column("charges")?.type, "float");
    assert.equal(r.table.column("open")?.type, "int");
  });

  test("full names, references, a custom time column, string keys and pinned dataset versions", async () => {
    const entities = tableFromColumns({ customer_id: ["1", "2"], when: [at(1), at(2)] });
    const seen: string[] = [];
    const r = await getHistoricalFeatures(
      {
        entities,
        features: ["tickets:open", "stats:plan"],
        fullNames: true,
        eventTime: "when",
        datasetVersions: { tickets: 3 },
      },
      {
        definitions: DEFS,
        loadDataset: async (name, version) => {
          seen.push(`${name}@${version}`);
          return load(name, version);
        },
      },
    );
    assert.deepEqual(r.table.columnNames, ["customer_id", "when", "tickets__open", "stats__plan"]);
    assert.deepEqual(seen, ["tickets@3", "stats@undefined"]);
    assert.deepEqual(
      rows(r.table).map((x) => [x.tickets__open, x.stats__plan]),
      [
        [null, "a"],
        [4, "d"],
      ],
    );
  });

  test("clear errors: name clashes, missing keys or time, unknown services and features, changed sources", async () => {
    const entities = tableFromColumns({ customer_id: [1], event_timestamp: [at(1)], plan: ["x"] });
    const fails = async (req: Parameters<typeof getHistoricalFeatures>[0], message: RegExp, defs = DEFS) =>
      assert.rejects(getHistoricalFeatures(req, { definitions: defs, loadDataset: load }), (e: unknown) => {
        assert.ok(isMwError(e) && e.status < 500, String(e));
        assert.match(e.message, message);
        return true;
      });
    await fails(
      { entities, service: "churn" },
      /Feature 'stats:plan' would be column 'plan', already an entity column; use full names/,
    );
    await fails(
      { entities: tableFromColumns({ id: [1], event_timestamp: [at(1)] }), service: "churn" },
      /lack the join key column\(s\) customer_id of view 'stats'/,
    );
    await fails(
      { entities: tableFromColumns({ customer_id: [1] }), features: ["tickets"] },
      /no 'event_timestamp' column/,
    );
    await fails(
      { entities: tableFromColumns({ customer_id: [1], event_timestamp: [5] }), features: ["tickets"] },
      /is int, expected timestamps/,
    );
    await fails({ entities, service: "nope" }, /Unknown feature service 'nope' \(known: churn\)/);
    await fails(
      { entities, features: ["tickets:closed", "ghost"] },
      /feature view 'tickets' has no feature 'closed'; unknown feature view 'ghost'/,
    );
    await fails({ entities, features: [] }, /No features selected/);
    const changed = structuredClone(DEFS);
    (changed.feature_views[1] as { features: { name: string; type: "string" }[] }).features = [
      { name: "open", type: "string" },
    ];
    await fails(
      { entities, features: ["tickets"] },
      /In dataset 'tickets@1' \(source 'tickets_src' of view 'tickets'\): column 'open' is int, expected string/,
      changed,
    );
  });
});
