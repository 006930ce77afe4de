import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database, SqlValue } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { openSqlite } from "../../core/db/sqlite/sqlite-database.js";
import { registryMigrations } from "../../registry/migrations.js";
import { trackingMigrations } from "../migrations.js";
import { parseOrderBy, parseSearchFilter, RUN_GRAMMAR } from "./filter-parser.js";
import { buildRunSearchQuery, type RunSearchQuery } from "./run-search-sql.js";

let db: Database;

interface Search {
  filter?: string;
  orderBy?: string[];
  experimentIds?: string[];
  viewType?: RunSearchQuery["viewType"];
  limit?: number;
  offset?: number;
}

function build(s: Search) {
  return buildRunSearchQuery(db.dialect, {
    experimentIds: s.experimentIds ?? ["1"],
    viewType: s.viewType ?? "ACTIVE_ONLY",
    clauses: parseSearchFilter(s.filter, RUN_GRAMMAR),
    orderBy: parseOrderBy(s.orderBy ?? [], RUN_GRAMMAR),
    limit: s.limit ?? 100,
    offset: s.offset ?? 0,
  });
}

async function ids(s: Search | string): Promise<string[]> {
  const { sql, params } = build(typeof s === "string" ? { filter: s } : s);
  return (await db.all<{ run_uuid: string }>(sql, params)).map((r) => r.run_uuid);
}

async function plan(s: Search): Promise<string[]> {
  const { sql, params } = build(s);
  return (await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params)).map((r) => r.detail);
}

const insert = (table: string, ...rows: SqlValue[][]) => db.insertMany(table, COLUMNS[table]!, rows);

const COLUMNS: Record<string, string[]> = {
  experiments: ["experiment_id", "name", "artifact_location", "lifecycle_stage", "creation_time", "last_update_time"],
  runs: [
    "run_uuid",
    "name",
    "experiment_id",
    "user_id",
    "status",
    "start_time",
    "end_time",
    "artifact_uri",
    "lifecycle_stage",
  ],
  latest_metrics: ["run_uuid", "key", "series_id", "step", "timestamp", "value", "is_nan"],
  params: ["run_uuid", "key", "value"],
  tags: ["run_uuid", "key", "value"],
  datasets: ["dataset_uuid", "experiment_id", "name", "digest", "source_type", "source"],
  run_inputs: ["run_uuid", "dataset_uuid", "position"],
  run_input_tags: ["run_uuid", "dataset_uuid", "key", "value"],
};

const run = (
  id: string,
  name: string,
  exp: number,
  user: string,
  status: string,
  start: number,
  end: number | null,
) => [id, name, exp, user, status, start, end, `a/${id}`, id === "r5" ? "deleted" : "active"];
let nextSeries = 0;
const metric = (runId: string, key: string, value: number) => [
  runId,
  key,
  ++nextSeries,
  0,
  0,
  Number.isNaN(value) ? 0 : value,
  Number.isNaN(value) ? 1 : 0,
];
const ctx = (runId: string, ds: string, value: string) => [runId, ds, "mlflow.data.context", value];

before(async () => {
  db = openSqlite(":memory:");
  await migrate(db, [...trackingMigrations, ...registryMigrations]);
  await insert("experiments", [1, "one", "a/1", "active", 0, 0], [2, "two", "a/2", "active", 0, 0]);
  // Default order (start_time DESC, run_uuid ASC) in experiment 1: r2, r4, r3, r1.
  await insert(
    "runs",
    run("r1", "sweep-A", 1, "alice", "FINISHED", 100, 200),
    run("r2", "sweep-b", 1, "bob", "FAILED", 300, null),
    run("r3", "Sweep-C", 1, "carol", "RUNNING", 200, null),
    run("r4", "other", 1, "alice", "FINISHED", 300, 400),
    run("r5", "sweep-del", 1, "alice", "FINISHED", 500, 600),
    run("r6", "elsewhere", 2, "alice", "FINISHED", 600, 700),
  );
  await insert(
    "latest_metrics",
    metric("r1", "auc", 0.9),
    metric("r1", "loss", 0.1),
    metric("r2", "auc", 0.7),
    metric("r3", "auc", Number.NaN),
    metric("r3", "loss", 0.3),
    metric("r5", "auc", 0.95),
    metric("r6", "auc", 0.8),
  );
  await insert(
    "params",
    ["r1", "lr", "0.01"],
    ["r1", "opt", "adam"],
    ["r2", "lr", "0.1"],
    ["r3", "opt", "sgd"],
    ["r4", "lr", "0.01"],
  );
  await insert(
    "tags",
    ["r1", "team", "Vision"],
    ["r1", "mlflow.source.type", "NOTEBOOK"],
    ["r2", "team", "vision"],
    ["r4", "team", "NLP"],
  );
  await insert("datasets", ["d1", 1, "train-set", "abc", "local", "s"], ["d2", 1, "eval-set", "def", "local", "s"]);
  await insert("run_inputs", ["r1", "d1", 0], ["r2", "d2", 0], ["r4", "d1", 0]);
  await insert("run_input_tags", ctx("r1", "d1", "training"), ctx("r2", "d2", "eval"), ctx("r4", "d1", "eval"));
});

after(() => db.close());

describe("buildRunSearchQuery: filters", () => {
  test("no filter: start_time DESC, then run_uuid ASC", async () => {
    assert.deepEqual(await ids({}), ["r2", "r4", "r3", "r1"]);
  });

  test("metrics compare the latest value and skip NaN", async () => {
    assert.deepEqual(await ids("metrics.auc > 0.5"), ["r2", "r1"]);
    assert.deepEqual(await ids("metrics.auc = 0.9"), ["r1"]);
    assert.deepEqual(await ids("metrics.auc <= 0.7"), ["r2"]);
    assert.deepEqual(await ids("metrics.loss >= 0.1 AND metrics.loss < 1"), ["r3", "r1"]);
  });

  test("a run lacking the key never matches, even for !=", async () => {
    assert.deepEqual(await ids("metrics.auc != 0.5"), ["r2", "r1"]);
    assert.deepEqual(await ids("params.lr != '0.1'"), ["r4", "r1"]);
    assert.deepEqual(await ids("tags.team != 'x'"), ["r2", "r4", "r1"]);
    assert.deepEqual(await ids("end_time != 200"), ["r4"]);
  });

  test("= and LIKE are case-sensitive, ILIKE is not", async () => {
    assert.deepEqual(await ids("tags.team = 'vision'"), ["r2"]);
    assert.deepEqual(await ids("tags.team LIKE 'v%'"), ["r2"]);
    assert.deepEqual(await ids("tags.team ILIKE 'V%'"), ["r2", "r1"]);
    assert.deepEqual(await ids("run_name LIKE 'sweep-%'"), ["r2", "r1"]);
    assert.deepEqual(await ids("run_name ILIKE 'SWEEP-%'"), ["r2", "r3", "r1"]);
    assert.deepEqual(await ids("run_name LIKE 'sweep-_'"), ["r2", "r1"]);
    assert.deepEqual(await ids("attributes.run_name = 'sweep-a'"), []);
    assert.deepEqual(await ids("tags.mlflow.source.type = 'NOTEBOOK'"), ["r1"]);
  });

  test("run_id IN and NOT IN", async () => {
    assert.deepEqual(await ids("run_id IN ('r1', 'r3', 'r6')"), ["r3", "r1"]);
    assert.deepEqual(await ids("run_id NOT IN ('r1', 'r3')"), ["r2", "r4"]);
  });

  test("string and numeric attributes", async () => {
    assert.deepEqual(await ids("status = 'FINISHED' AND user_id = 'alice'"), ["r4", "r1"]);
    assert.deepEqual(await ids("artifact_uri LIKE 'a/r%' AND status != 'FINISHED'"), ["r2", "r3"]);
    assert.deepEqual(await ids("start_time >= 200"), ["r2", "r4", "r3"]);
    assert.deepEqual(await ids("created < 200"), ["r1"]);
    assert.deepEqual(await ids("end_time > 150"), ["r4", "r1"]);
  });

  test("datasets: name, digest and context, any input matching", async () => {
    assert.deepEqual(await ids("datasets.name = 'train-set'"), ["r4", "r1"]);
    assert.deepEqual(await ids("datasets.digest IN ('def')"), ["r2"]);
    assert.deepEqual(await ids("datasets.name NOT IN ('eval-set')"), ["r4", "r1"]);
    assert.deepEqual(await ids("datasets.name != 'train-set'"), ["r2"]);
    assert.deepEqual(await ids("datasets.context = 'eval'"), ["r2", "r4"]);
    assert.deepEqual(await ids("dataset.context ILIKE 'TRAIN%'"), ["r1"]);
    assert.deepEqual(await ids("run_name LIKE 'sweep-%' and datasets.context = 'training'"), ["r1"]);
  });

  test("three clauses on three tables", async () => {
    const filter = "metrics.auc > 0.5 AND params.lr = '0.01' AND tags.team ILIKE 'v%'";
    assert.deepEqual(await ids({ filter, orderBy: ["metrics.auc DESC", "params.lr"] }), ["r1"]);
  });
});

describe("buildRunSearchQuery: order, page and scope", () => {
  test("metric order puts NaN then missing last in both directions", async () => {
    assert.deepEqual(await ids({ orderBy: ["metrics.auc DESC"] }), ["r1", "r2", "r3", "r4"]);
    assert.deepEqual(await ids({ orderBy: ["metrics.auc ASC"] }), ["r2", "r1", "r3", "r4"]);
  });

  test("param and attribute order put NULLs last in both directions", async () => {
    assert.deepEqual(await ids({ orderBy: ["params.lr"] }), ["r4", "r1", "r2", "r3"]);
    assert.deepEqual(await ids({ orderBy: ["params.lr DESC"] }), ["r2", "r4", "r1", "r3"]);
    assert.deepEqual(await ids({ orderBy: ["end_time ASC"] }), ["r1", "r4", "r2", "r3"]);
    assert.deepEqual(await ids({ orderBy: ["end_time DESC"] }), ["r4", "r1", "r2", "r3"]);
    assert.deepEqual(await ids({ orderBy: ["tags.team"] }), ["r4", "r1", "r2", "r3"]);
    assert.deepEqual(await ids({ orderBy: ["run_name DESC"] }), ["r2", "r1", "r4", "r3"]);
    assert.deepEqual(await ids({ orderBy: ["start_time ASC"] }), ["r1", "r3", "r2", "r4"]);
  });

  test("multi-key order, then the start_time / run_uuid tie-break", async () => {
    assert.deepEqual(await ids({ orderBy: ["params.lr", "metrics.auc DESC"] }), ["r1", "r4", "r2", "r3"]);
    assert.deepEqual(await ids({ orderBy: ["user_id", "run_id DESC"] }), ["r4", "r1", "r2", "r3"]);
  });

  test("an ordered metric with a filter reuses the filter's join", async () => {
    const q = { filter: "metrics.auc > 0", orderBy: ["metrics.auc ASC"] };
    assert.deepEqual(await ids(q), ["r2", "r1"]);
    assert.equal(build(q).sql.match(/latest_metrics/g)?.length, 1);
  });

  test("limit and offset", async () => {
    assert.deepEqual(await ids({ limit: 2 }), ["r2", "r4"]);
    assert.deepEqual(await ids({ limit: 2, offset: 1 }), ["r4", "r3"]);
    assert.deepEqual(await ids({ limit: 2, offset: 4 }), []);
  });

  test("view type and experiment ids", async () => {
    assert.deepEqual(await ids({ viewType: "DELETED_ONLY" }), ["r5"]);
    assert.deepEqual(await ids({ viewType: "ALL" }), ["r5", "r2", "r4", "r3", "r1"]);
    assert.deepEqual(await ids({ viewType: "ALL", experimentIds: ["1", "2"] }), ["r6", "r5", "r2", "r4", "r3", "r1"]);
    assert.deepEqual(await ids({ experimentIds: ["2"], filter: "metrics.auc > 0.5" }), ["r6"]);
    assert.deepEqual(await ids({ experimentIds: [] }), []);
    assert.deepEqual(await ids({ experimentIds: ["abc"] }), []);
  });

  test("values are bound, never spliced into the SQL", () => {
    const { sql, params } = build({ filter: "tags.`x'y` = 'a''; DROP TABLE runs; --'" });
    assert.doesNotMatch(sql, /DROP|x'y/);
    assert.ok(params.includes("a'; DROP TABLE runs; --"));
  });
});

describe("buildRunSearchQuery: query plans", () => {
  // The first loop walks latest_metrics(key, value) in order, so the sort is only partial and
  // SQLite stops at the LIMIT instead of sorting every match.
  async function assertIndexWalk(s: Search): Promise<void> {
    const detail = await plan(s);
    assert.match(detail[0]!, /^SEARCH c0 USING (COVERING )?INDEX latest_metrics_key_value \(key=\? AND value>\?\)$/);
    assert.ok(!detail.includes("USE TEMP B-TREE FOR ORDER BY"), detail.join("\n"));
  }
  const single: Search = { filter: "metrics.auc > 0.5", orderBy: ["metrics.auc DESC"] };
  const triple: Search = {
    filter: "metrics.auc > 0.5 AND params.lr = '0.01' AND tags.team = 'vision'",
    orderBy: ["metrics.auc DESC", "params.opt"],
  };

  test("metric filter ordered by the same metric walks latest_metrics(key, value)", () => assertIndexWalk(single));

  test("three clauses with two order keys still start from the ordered metric's index", () => assertIndexWalk(triple));

  test("an unfiltered order key sorts (the negative case of the assertion above)", async () => {
    assert.ok((await plan({ orderBy: ["metrics.auc DESC"] })).includes("USE TEMP B-TREE FOR ORDER BY"));
  });

  test("the index walk survives ANALYZE statistics", async () => {
    await db.exec("ANALYZE");
    await assertIndexWalk(single);
    await assertIndexWalk(triple);
  });
});
