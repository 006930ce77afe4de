import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { openSqlite } from "../../core/db/sqlite/sqlite-database.js";
import { registryMigrations } from "../../registry/migrations.js";
import { trackingMigrations } from "../migrations.js";
import { buildExperimentSearchQuery, type ExperimentSearchQuery } from "./experiment-search-sql.js";
import { EXPERIMENT_GRAMMAR, parseOrderBy, parseSearchFilter } from "./filter-parser.js";

let db: Database;

interface Search {
  filter?: string;
  orderBy?: string[];
  viewType?: ExperimentSearchQuery["viewType"];
  limit?: number;
  offset?: number;
}

async function ids(s: Search | string): Promise<number[]> {
  const q = typeof s === "string" ? { filter: s } : s;
  const { sql, params } = buildExperimentSearchQuery(db.dialect, {
    viewType: q.viewType ?? "ACTIVE_ONLY",
    clauses: parseSearchFilter(q.filter, EXPERIMENT_GRAMMAR),
    orderBy: parseOrderBy(q.orderBy ?? [], EXPERIMENT_GRAMMAR),
    limit: q.limit ?? 100,
    offset: q.offset ?? 0,
  });
  return (await db.all<{ experiment_id: number }>(sql, params)).map((r) => Number(r.experiment_id));
}

before(async () => {
  db = openSqlite(":memory:");
  await migrate(db, [...trackingMigrations, ...registryMigrations]);
  await db.insertMany(
    "experiments",
    ["experiment_id", "name", "artifact_location", "lifecycle_stage", "creation_time", "last_update_time"],
    [
      [0, "Default", "a/0", "active", 50, 50],
      [1, "alpha", "a/1", "active", 100, 500],
      [2, "Beta", "a/2", "active", 200, 400],
      [3, "gamma", "a/3", "deleted", 300, 300],
      [4, "delta", "a/4", "active", 200, 100],
    ],
  );
  await db.insertMany(
    "experiment_tags",
    ["experiment_id", "key", "value"],
    [
      [1, "team", "ml"],
      [2, "team", "ML"],
      [2, "env", "prod"],
    ],
  );
});

after(() => db.close());

describe("buildExperimentSearchQuery", () => {
  test("default order: creation_time DESC, then experiment_id ASC", async () => {
    assert.deepEqual(await ids({}), [2, 4, 1, 0]);
  });

  test("name filters: = and LIKE are case-sensitive, ILIKE is not", async () => {
    assert.deepEqual(await ids("name LIKE '%a'"), [2, 4, 1]);
    assert.deepEqual(await ids("name = 'beta'"), []);
    assert.deepEqual(await ids("attribute.name ILIKE 'b%'"), [2]);
    assert.deepEqual(await ids("name != 'alpha'"), [2, 4, 0]);
  });

  test("tag filters never match an experiment without the tag", async () => {
    assert.deepEqual(await ids("tags.team = 'ml'"), [1]);
    assert.deepEqual(await ids("tags.team ILIKE 'ml'"), [2, 1]);
    assert.deepEqual(await ids("tags.team != 'ml'"), [2]);
    assert.deepEqual(await ids("tags.team LIKE 'M%' AND tags.env = 'prod'"), [2]);
  });

  test("timestamp filters", async () => {
    assert.deepEqual(await ids("creation_time >= 200"), [2, 4]);
    assert.deepEqual(await ids("last_update_time < 400 AND creation_time != 50"), [4]);
  });

  test("order keys, with ties on experiment_id DESC", async () => {
    assert.deepEqual(await ids({ orderBy: ["name"] }), [2, 0, 1, 4]);
    assert.deepEqual(await ids({ orderBy: ["creation_time ASC"] }), [0, 1, 4, 2]);
    assert.deepEqual(await ids({ orderBy: ["last_update_time DESC"] }), [1, 2, 4, 0]);
    assert.deepEqual(await ids({ orderBy: ["experiment_id"] }), [0, 1, 2, 4]);
  });

  test("view type, limit and offset", async () => {
    assert.deepEqual(await ids({ viewType: "DELETED_ONLY" }), [3]);
    assert.deepEqual(await ids({ viewType: "ALL" }), [3, 2, 4, 1, 0]);
    assert.deepEqual(await ids({ limit: 2, offset: 1 }), [4, 1]);
  });
});
