/** Registry triggers over a real (SQLite) registry: alias moves and new versions start runs, once. */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { Database } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { openSqlite } from "../../core/db/sqlite/sqlite-database.js";
import { registryMigrations } from "../../registry/migrations.js";
import { SqlRegistryStore } from "../../registry/sql/sql-registry-store.js";
import { trackingMigrations } from "../../tracking/migrations.js";
import type { PipelineSpec, TriggerSpec } from "../pipeline-spec.js";
import { GitDeliveries } from "./git-deliveries.js";
import { registryReader } from "./registry-watch.js";
import type { FiredTrigger } from "./trigger-scheduler.js";
import { TriggerScheduler } from "./trigger-scheduler.js";

function pipeline(name: string, triggers: TriggerSpec[]): PipelineSpec {
  return { name, params: {}, concurrency: "queue", triggers, steps: [] };
}

describe("registry triggers", () => {
  let db: Database;
  let registry: SqlRegistryStore;
  let time = 1_000;
  const started: { pipeline: string; fired: FiredTrigger }[] = [];

  beforeEach(async () => {
    db = openSqlite(":memory:");
    await migrate(db, [...trackingMigrations, ...registryMigrations]);
    registry = new SqlRegistryStore(db, { clock: { now: () => time } });
    await registry.createRegisteredModel({ name: "churn" });
    for (let i = 0; i < 2; i++) await registry.createModelVersion({ name: "churn", source: `s3://b/${i}` });
    await registry.setAlias({ name: "churn", alias: "champion", version: 1 });
    started.length = 0;
  });
  afterEach(() => db.close());

  /** A scheduler (an `up` replica) over the registry; `deliveries` shared between replicas stands in for the run store. */
  function scheduler(deliveries = new GitDeliveries()) {
    return new TriggerScheduler(
      [
        pipeline("on-promotion", [{ type: "registry", model: "churn", alias: "champion" }]),
        pipeline("on-version", [{ type: "registry", model: "churn" }]),
        pipeline("other", [{ type: "registry", model: "nope", alias: "champion" }]),
      ],
      {
        clock: { now: () => time },
        start: (p, fired) => void started.push({ pipeline: p, fired }),
        registry: registryReader(registry),
        deliveries,
      },
    );
  }
  const move = async (version: number) => {
    time += 1000;
    await registry.setAlias({ name: "churn", alias: "champion", version });
  };

  test("an alias move starts its pipeline with the model, version and alias; what was there at start does not", async () => {
    const s = scheduler();
    assert.deepEqual(await s.tick(), [], "the first poll learns the current state");
    await move(2);
    assert.deepEqual(await s.tick(), ["on-promotion"]);
    const fired = started[0]?.fired;
    assert.equal(fired?.trigger.type, "registry");
    assert.equal(fired?.reason, "churn@champion moved from 1 to 2");
    assert.deepEqual(fired?.data, {
      event: "alias_moved",
      model: "churn",
      version: "2",
      alias: "champion",
      previous_version: "1",
    });
    assert.deepEqual(await s.tick(), [], "once per move");
    await move(1);
    assert.deepEqual(await s.tick(), ["on-promotion"], "moved back");
    await move(2);
    assert.deepEqual(await s.tick(), ["on-promotion"], "moved to 2 again: a new move, a new run");
    assert.equal(started.length, 3);
    await registry.deleteAlias({ name: "churn", alias: "champion" });
    assert.deepEqual(await s.tick(), [], "a removed alias starts nothing");
  });

  test("a new version starts its pipeline with the version", async () => {
    const s = scheduler();
    await s.tick();
    time += 1000;
    await registry.createModelVersion({ name: "churn", source: "s3://b/3" });
    assert.deepEqual(await s.tick(), ["on-version"]);
    assert.equal(started[0]?.fired.reason, "new version churn/3");
    assert.deepEqual(started[0]?.fired.data, {
      event: "version_registered",
      model: "churn",
      version: "3",
      previous_version: "2",
    });
    assert.deepEqual(await s.tick(), []);
  });

  test("two replicas seeing the same move start one run", async () => {
    const shared = new GitDeliveries();
    const a = scheduler(shared);
    const b = scheduler(shared);
    await a.tick();
    await b.tick();
    await move(2);
    const fired = [...(await a.tick()), ...(await b.tick())];
    assert.deepEqual(fired, ["on-promotion"]);
    assert.match(started[0]?.fired.delivery?.id ?? "", /^registry:churn@champion=2@\d+$/);
  });
});
