import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { openSqlite } from "../../core/db/sqlite/sqlite-database.js";
import { trackingMigrations } from "../../tracking/migrations.js";
import {
  MODEL_VERSION_GRAMMAR,
  parseOrderBy,
  parseSearchFilter,
  REGISTERED_MODEL_GRAMMAR,
} from "../../tracking/search/filter-parser.js";
import { registryMigrations } from "../migrations.js";
import { buildModelVersionSearchQuery, buildRegisteredModelSearchQuery } from "./registry-search-sql.js";

let db: Database;

interface Search {
  filter?: string;
  orderBy?: string[];
  limit?: number;
  offset?: number;
}

const norm = (s: Search | string): Search => (typeof s === "string" ? { filter: s } : s);

async function models(s: Search | string): Promise<string[]> {
  const q = norm(s);
  const { sql, params } = buildRegisteredModelSearchQuery(db.dialect, {
    clauses: parseSearchFilter(q.filter, REGISTERED_MODEL_GRAMMAR),
    orderBy: parseOrderBy(q.orderBy ?? [], REGISTERED_MODEL_GRAMMAR),
    limit: q.limit ?? 100,
    offset: q.offset ?? 0,
  });
  return (await db.all<{ name: string }>(sql, params)).map((r) => r.name);
}

async function versions(s: Search | string): Promise<string[]> {
  const q = norm(s);
  const { sql, params } = buildModelVersionSearchQuery(db.dialect, {
    clauses: parseSearchFilter(q.filter, MODEL_VERSION_GRAMMAR),
    orderBy: parseOrderBy(q.orderBy ?? [], MODEL_VERSION_GRAMMAR),
    limit: q.limit ?? 100,
    offset: q.offset ?? 0,
  });
  return (await db.all<{ name: string; version: number }>(sql, params)).map((r) => `${r.name}/${r.version}`);
}

const version = (
  name: string,
  v: number,
  times: [number, number],
  source: string,
  runId: string | null,
  deleted = 0,
) => [name, v, ...times, "None", source, runId, "READY", deleted];

before(async () => {
  db = openSqlite(":memory:");
  await migrate(db, [...trackingMigrations, ...registryMigrations]);
  const rm = ["name", "creation_time", "last_updated_time"];
  await db.insertMany("registered_models", rm, [
    ["alpha", 100, 300],
    ["Beta", 200, 100],
    ["gamma", 100, 200],
  ]);
  await db.insertMany(
    "registered_model_tags",
    ["name", "key", "value"],
    [
      ["alpha", "owner", "me"],
      ["Beta", "owner", "Me"],
    ],
  );
  const mv = ["name", "version", "creation_time", "last_updated_time", "current_stage", "source", "run_id", "status"];
  await db.insertMany(
    "model_versions",
    [...mv, "deleted"],
    [
      version("alpha", 1, [10, 15], "s3://b/1", "run1"),
      version("alpha", 2, [20, 25], "s3://b/2", "run2"),
      version("alpha", 3, [40, 45], "s3://b/3", "run1", 1),
      version("Beta", 1, [30, 5], "file:/x", null),
    ],
  );
  await db.insertMany(
    "model_version_tags",
    ["name", "version", "key", "value"],
    [
      ["alpha", 1, "stage", "prod"],
      ["alpha", 3, "stage", "prod"],
      ["Beta", 1, "stage", "dev"],
    ],
  );
});

after(() => db.close());

describe("buildRegisteredModelSearchQuery", () => {
  test("default order is name ASC (binary)", async () => {
    assert.deepEqual(await models({}), ["Beta", "alpha", "gamma"]);
  });

  test("name and tag filters; a model without the tag never matches", async () => {
    assert.deepEqual(await models("name LIKE 'B%'"), ["Beta"]);
    assert.deepEqual(await models("name LIKE 'b%'"), []);
    assert.deepEqual(await models("name ILIKE 'b%'"), ["Beta"]);
    assert.deepEqual(await models("name != 'alpha'"), ["Beta", "gamma"]);
    assert.deepEqual(await models("tags.owner = 'me'"), ["alpha"]);
    assert.deepEqual(await models("tags.owner ILIKE 'ME'"), ["Beta", "alpha"]);
    assert.deepEqual(await models("tags.owner != 'x'"), ["Beta", "alpha"]);
  });

  test("order keys with ties on name ASC; limit and offset", async () => {
    assert.deepEqual(await models({ orderBy: ["timestamp ASC"] }), ["alpha", "gamma", "Beta"]);
    assert.deepEqual(await models({ orderBy: ["creation_timestamp DESC"] }), ["Beta", "alpha", "gamma"]);
    assert.deepEqual(await models({ orderBy: ["last_updated_timestamp DESC"] }), ["alpha", "gamma", "Beta"]);
    assert.deepEqual(await models({ orderBy: ["name DESC"] }), ["gamma", "alpha", "Beta"]);
    assert.deepEqual(await models({ limit: 1, offset: 1 }), ["alpha"]);
  });
});

describe("buildModelVersionSearchQuery", () => {
  test("default order: name ASC, then version DESC; deleted versions are invisible", async () => {
    assert.deepEqual(await versions({}), ["Beta/1", "alpha/2", "alpha/1"]);
    assert.deepEqual(await versions("name = 'alpha'"), ["alpha/2", "alpha/1"]);
  });

  test("run_id, source_path and numeric attributes", async () => {
    assert.deepEqual(await versions("run_id IN ('run1', 'nope')"), ["alpha/1"]);
    assert.deepEqual(await versions("run_id != 'run1'"), ["alpha/2"]);
    assert.deepEqual(await versions("source_path LIKE 's3://%'"), ["alpha/2", "alpha/1"]);
    assert.deepEqual(await versions("version_number >= 2"), ["alpha/2"]);
    assert.deepEqual(await versions("version_number = 1"), ["Beta/1", "alpha/1"]);
    assert.deepEqual(await versions("creation_timestamp > 15"), ["Beta/1", "alpha/2"]);
    assert.deepEqual(await versions("last_updated_timestamp < 20"), ["Beta/1", "alpha/1"]);
  });

  test("tag filters", async () => {
    assert.deepEqual(await versions("tags.stage = 'prod'"), ["alpha/1"]);
    assert.deepEqual(await versions("tags.stage != 'x' AND name ILIKE 'ALPHA'"), ["alpha/1"]);
    assert.deepEqual(await versions("tags.stage != 'x'"), ["Beta/1", "alpha/1"]);
  });

  test("order keys with ties on name ASC, version DESC; limit and offset", async () => {
    assert.deepEqual(await versions({ orderBy: ["version_number ASC"] }), ["Beta/1", "alpha/1", "alpha/2"]);
    assert.deepEqual(await versions({ orderBy: ["creation_timestamp DESC"] }), ["Beta/1", "alpha/2", "alpha/1"]);
    assert.deepEqual(await versions({ orderBy: ["last_updated_timestamp"] }), ["Beta/1", "alpha/1", "alpha/2"]);
    assert.deepEqual(await versions({ orderBy: ["name DESC"] }), ["alpha/2", "alpha/1", "Beta/1"]);
    assert.deepEqual(await versions({ limit: 2, offset: 1 }), ["alpha/2", "alpha/1"]);
  });
});
