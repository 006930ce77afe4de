import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { openSqlite } from "../../core/db/sqlite/sqlite-database.js";
import { invalidParam, MwError } from "../../core/errors.js";
import { registryMigrations } from "../../registry/migrations.js";
import { SqlRegistryStore } from "../../registry/sql/sql-registry-store.js";
import { trackingMigrations } from "../../tracking/migrations.js";
import { servingMigrations } from "../migrations.js";
import { DeploymentService } from "./deployment-service.js";
import { SqlDeploymentStore } from "./sql/sql-deployment-store.js";

describe("DeploymentService", () => {
  let db: Database;
  let service: DeploymentService;
  let checked: DeploymentService;
  /** References the load check was asked about, in order; `broken` ones fail to load. */
  const loads: string[] = [];
  const broken = new Map<string, Error>();
  let store: SqlDeploymentStore;
  let now = 1000;
  const clock = { now: () => now };
  const invalid = (field: string) => ({ code: "INVALID_PARAMETER_VALUE", message: new RegExp(`'${field}'`) });

  before(async () => {
    db = openSqlite(":memory:");
    await migrate(db, [...trackingMigrations, ...registryMigrations, ...servingMigrations]);
    const registry = new SqlRegistryStore(db, { clock });
    for (const name of ["churn", "other"]) {
      await registry.createRegisteredModel({ name });
      for (let i = 0; i < 3; i++) await registry.createModelVersion({ name, source: `s3://b/${name}/${i}` });
    }
    await registry.setAlias({ name: "churn", alias: "champion", version: 1 });
    await registry.setAlias({ name: "churn", alias: "challenger", version: 2 });
    store = new SqlDeploymentStore(db, { clock });
    service = new DeploymentService({ store, registry, clock });
    const checkLoad = async (ref: string) => {
      loads.push(ref);
      const e = broken.get(ref);
      if (e) throw e;
      return "binary" as const;
    };
    checked = new DeploymentService({ store, registry, clock, checkLoad });
  });
  after(() => db.close());

  test("create validates, normalizes references and records a created event", async () => {
    const d = await service.create({
      name: "prod",
      primary: "models:/churn@champion",
      candidate: "churn/02",
      candidateWeight: 10,
      routingKey: { source: "header", name: "X-Customer" },
    });
    assert.equal(d.primary, "churn@champion");
    assert.equal(d.candidate, "churn/2");
    assert.deepEqual(d.routingKey, { source: "header", name: "x-customer" });
    assert.equal(d.generation, 1);
    const [created] = await service.events("prod");
    assert.equal(created?.type, "created");
    assert.equal(created?.data?.primary, "churn@champion");
    assert.equal(created?.data?.routing_key, "header:x-customer");
  });

  test("create refuses bad input, naming the field", async () => {
    const cases: [Parameters<DeploymentService["create"]>[0], string][] = [
      [{ name: "x", primary: "churn" }, "primary"],
      [{ name: "x", primary: "nope@champion" }, "primary"],
      [{ name: "x", primary: "churn@nope" }, "primary"],
      [{ name: "x", primary: "churn/9" }, "primary"],
      [{ name: "x", primary: "churn/1", candidate: "churn/9" }, "candidate"],
      [{ name: "x", primary: "churn/1", candidate: "churn/1" }, "candidate"],
      [{ name: "x", primary: "churn/1", candidate: "churn/2", candidateWeight: 101 }, "candidate_weight"],
      [{ name: "x", primary: "churn/1", candidate: "churn/2", candidateWeight: -1 }, "candidate_weight"],
      [{ name: "x", primary: "churn/1", candidate: "churn/2", candidateWeight: Number.NaN }, "candidate_weight"],
      [{ name: "x", primary: "churn/1", candidateWeight: 5 }, "candidate_weight"],
      [{ name: "x", primary: "churn/1", shadow: true }, "shadow"],
      [{ name: "x", primary: "churn/1", candidate: "churn/2", shadow: true, candidateWeight: 5 }, "candidate_weight"],
      [{ name: "x", primary: "churn/1", logSampling: 1.5 }, "log_sampling"],
      [{ name: "x", primary: "churn/1", logRetentionMs: 60_000 }, "log_retention_ms"],
      [{ name: "x", primary: "churn/1", logRetentionMs: 1.5 * 3_600_000 + 0.5 }, "log_retention_ms"],
      [{ name: "x", primary: "churn/1", archiveLog: "yes" as unknown as boolean }, "archive_log"],
      [{ name: "x", primary: "churn/1", routingKey: { source: "column", name: " " } }, "routing_key.name"],
      [{ name: "x", primary: "churn/1", routingKey: { source: "header", name: "bad header" } }, "routing_key"],
    ];
    for (const [input, field] of cases) {
      await assert.rejects(service.create(input), invalid(field), field);
    }
    await assert.rejects(service.create({ name: "bad/name", primary: "churn/1" }), {
      code: "INVALID_PARAMETER_VALUE",
      message: /deployment name "bad\/name"/,
    });
    await assert.rejects(service.create({ name: "prod", primary: "churn/1" }), { code: "RESOURCE_ALREADY_EXISTS" });
    assert.deepEqual(
      (await service.list()).map((d) => d.name),
      ["prod"],
    );
  });

  test("update records each changed field's old and new value and bumps the generation", async () => {
    now = 2000;
    const d = await service.update("prod", { candidateWeight: 25, logSampling: 0.5 });
    assert.equal(d.generation, 2);
    const [event] = await service.events("prod", { limit: 1 });
    assert.equal(event?.type, "updated");
    assert.deepEqual(event?.data, { candidate_weight: { old: 10, new: 25 }, log_sampling: { old: 1, new: 0.5 } });
    assert.match(event?.message ?? "", /candidate_weight 10 → 25/);
  });

  test("a change that changes nothing keeps the generation and records nothing", async () => {
    const before = await service.events("prod");
    const d = await service.update("prod", { candidateWeight: 25, primary: "churn@champion" });
    assert.equal(d.generation, 2);
    assert.equal((await service.events("prod")).length, before.length);
  });

  test("shadow mode sets the weight to 0; removing the candidate resets weight and shadow", async () => {
    const shadow = await service.update("prod", { shadow: true });
    assert.equal(shadow.candidateWeight, 0);
    assert.equal(shadow.shadow, true);
    await assert.rejects(service.update("prod", { candidateWeight: 5 }), invalid("candidate_weight"));
    const removed = await service.update("prod", { candidate: null });
    assert.equal(removed.candidate, undefined);
    assert.equal(removed.shadow, false);
    const [event] = await service.events("prod", { limit: 1 });
    assert.deepEqual(event?.data, { candidate: { old: "churn/2", new: null }, shadow: { old: true, new: false } });
    await assert.rejects(service.update("prod", { candidate: null, candidateWeight: 5 }), invalid("candidate_weight"));
    await assert.rejects(service.update("prod", { shadow: true }), invalid("shadow"));
    await assert.rejects(service.update("prod", { candidate: "churn@champion" }), invalid("candidate"));
  });

  test("update checks references, ranges and the expected generation", async () => {
    await assert.rejects(service.update("prod", { primary: "churn@gone" }), invalid("primary"));
    await assert.rejects(service.update("prod", { logSampling: -0.1 }), invalid("log_sampling"));
    await assert.rejects(service.update("prod", { status: "paused" as "active" }), invalid("status"));
    await assert.rejects(service.update("nope", { logSampling: 0.1 }), { code: "RESOURCE_DOES_NOT_EXIST" });
    const { generation } = await service.get("prod");
    await assert.rejects(service.update("prod", { status: "stopped" }, { expectedGeneration: generation - 1 }), {
      code: "RESOURCE_CONFLICT",
    });
    const stopped = await service.update("prod", { status: "stopped" }, { expectedGeneration: generation });
    assert.equal(stopped.status, "stopped");
    assert.deepEqual(
      (await service.list({ status: "stopped" })).map((d) => d.name),
      ["prod"],
    );
    await assert.rejects(service.list({ status: "gone" as "active" }), invalid("status"));
  });

  test("concurrent updates without an expected generation all apply", async () => {
    const { generation } = await service.get("prod");
    await Promise.all([
      service.update("prod", { description: "a" }),
      service.update("prod", { logSampling: 0.2 }),
      service.update("prod", { routingKey: { source: "column", name: "customerID" } }),
    ]);
    const d = await service.get("prod");
    assert.equal(d.generation, generation + 3);
    assert.equal(d.description, "a");
    assert.equal(d.logSampling, 0.2);
    assert.deepEqual(d.routingKey, { source: "column", name: "customerID" });
  });

  test("addEvent appends to the trail; events checks its limit", async () => {
    now = 3000;
    const e = await service.addEvent({ deployment: "prod", type: "model_loaded", message: "churn/1 loaded" });
    assert.equal(e.time, 3000);
    assert.equal((await service.events("prod", { limit: 1 }))[0]?.id, e.id);
    await assert.rejects(service.addEvent({ deployment: "prod", type: "Bad Type", message: "" }), invalid("type"));
    await assert.rejects(service.events("prod", { limit: 0 }), invalid("limit"));
    await assert.rejects(service.events("nope"), { code: "RESOURCE_DOES_NOT_EXIST" });
  });

  test("log retention and archiving are settings like the others: validated, stored, recorded", async () => {
    const d = await service.update("prod", { logRetentionMs: 7 * 86_400_000, archiveLog: true });
    assert.equal(d.logRetentionMs, 7 * 86_400_000);
    assert.equal(d.archiveLog, true);
    const [event] = await service.events("prod", { limit: 1 });
    assert.deepEqual(event?.data, {
      log_retention_ms: { old: 30 * 86_400_000, new: 7 * 86_400_000 },
      archive_log: { old: false, new: true },
    });
    const back = await service.update("prod", { logRetentionMs: 30 * 86_400_000, archiveLog: false });
    assert.equal(back.archiveLog, false);
  });

  test("delete removes the deployment and leaves a deleted event", async () => {
    await service.delete("prod");
    await assert.rejects(service.get("prod"), { code: "RESOURCE_DOES_NOT_EXIST" });
    const events = await service.events("prod");
    assert.deepEqual(
      events.map((e) => e.type),
      ["deleted"],
    );
    assert.equal(events[0]?.data?.primary, "churn@champion");
    await assert.rejects(service.delete("prod"), { code: "RESOURCE_DOES_NOT_EXIST" });
  });

  test("with a load check: create loads primary and candidate; a model that cannot load is refused with why", async () => {
    loads.length = 0;
    broken.set("churn/3", invalidParam("model churn/3 has flavors h2o; none of them can be loaded"));
    await checked.create({ name: "loads", primary: "churn@champion", candidate: "churn/2" });
    assert.deepEqual(loads, ["churn@champion", "churn/2"]);
    await assert.rejects(checked.create({ name: "bad", primary: "churn/3" }), {
      code: "INVALID_PARAMETER_VALUE",
      message:
        "Invalid value for 'primary': churn/3 cannot be loaded: model churn/3 has flavors h2o; none of them can be loaded",
    });
    await assert.rejects(checked.get("bad"), { code: "RESOURCE_DOES_NOT_EXIST" });
    broken.set("other/1", new Error("unexpected end of JSON input"));
    await assert.rejects(checked.create({ name: "bad", primary: "other/1" }), {
      message: /^Invalid value for 'primary': other\/1 cannot be loaded: unexpected end of JSON input$/,
    });
    broken.set("other/2", new MwError("TEMPORARILY_UNAVAILABLE", "the artifact store is down"));
    await assert.rejects(checked.create({ name: "bad", primary: "other/2" }), {
      code: "TEMPORARILY_UNAVAILABLE",
      message: "the artifact store is down",
    });
  });

  test("with a load check: update loads only the references it changes, and only when asked to", async () => {
    loads.length = 0;
    await checked.update("loads", { candidate: "churn/2", description: "same candidate" }, { checkLoad: true });
    assert.deepEqual(loads, [], "an unchanged reference is not loaded again");
    await assert.rejects(checked.update("loads", { candidate: "churn/3" }, { checkLoad: true }), invalid("candidate"));
    assert.equal((await checked.get("loads")).candidate, "churn/2", "nothing changed");
    await checked.update("loads", { primary: "churn/1", candidate: null }, { checkLoad: true });
    assert.deepEqual(loads, ["churn/3", "churn/1"]);
    // Rollouts and rollbacks change deployments without loading (the candidate was checked when the rollout started).
    await checked.update("loads", { candidate: "churn/3" });
    assert.equal((await checked.get("loads")).candidate, "churn/3");
    assert.deepEqual(loads, ["churn/3", "churn/1"]);
    await checked.delete("loads");
    broken.clear();
  });
});
