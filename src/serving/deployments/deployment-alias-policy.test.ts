/** DeploymentService: pinning the primary of alias-following deployments, the policy and the rollout settings. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { OutboundPolicy } from "../../auth/outbound-policy.js";
import type { Database } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { openSqlite } from "../../core/db/sqlite/sqlite-database.js";
import { SqlRegistryStore } from "../../registry/sql/sql-registry-store.js";
import { deploymentRolloutChecker } from "../../rollout/deployment-rollout-settings.js";
import { ALL_MIGRATIONS } from "../../server/open-platform.js";
import { DeploymentService } from "./deployment-service.js";
import { SqlDeploymentStore } from "./sql/sql-deployment-store.js";

describe("DeploymentService: alias changes", () => {
  let db: Database;
  let registry: SqlRegistryStore;
  let service: DeploymentService;
  const clock = { now: () => 1000 };

  before(async () => {
    db = openSqlite(":memory:");
    await migrate(db, ALL_MIGRATIONS);
    registry = new SqlRegistryStore(db, { clock });
    await registry.createRegisteredModel({ name: "churn" });
    for (let i = 0; i < 3; i++) await registry.createModelVersion({ name: "churn", source: `s3://b/churn/${i}` });
    await registry.setAlias({ name: "churn", alias: "champion", version: 1 });
    await registry.setAlias({ name: "churn", alias: "challenger", version: 2 });
    service = new DeploymentService({
      store: new SqlDeploymentStore(db, { clock }),
      registry,
      clock,
      checkRollout: deploymentRolloutChecker(OutboundPolicy.parse(["*.test"])),
    });
  });
  after(() => db.close());

  test("a deployment following an alias is pinned to the alias's version; the alias moving leaves the pin", async () => {
    const d = await service.create({ name: "pinned", primary: "churn@champion" });
    assert.equal(d.onAliasChange, "rollout");
    assert.equal(d.primaryVersion, "1");
    await registry.setAlias({ name: "churn", alias: "champion", version: 3 });
    assert.equal((await service.get("pinned")).primaryVersion, "1");
    await registry.setAlias({ name: "churn", alias: "champion", version: 1 });
  });

  test("swap and fixed versions are not pinned; a new primary or policy re-pins to what the alias names now", async () => {
    assert.equal(
      (await service.create({ name: "swap", primary: "churn@champion", onAliasChange: "swap" })).primaryVersion,
      undefined,
    );
    assert.equal((await service.create({ name: "fixed", primary: "churn/2" })).primaryVersion, undefined);
    const toRollout = await service.update("swap", { onAliasChange: "rollout" });
    assert.equal(toRollout.primaryVersion, "1");
    const challenger = await service.update("swap", { primary: "churn@challenger" });
    assert.equal(challenger.primaryVersion, "2");
    const fixed = await service.update("swap", { primary: "churn/3" });
    assert.equal(fixed.primaryVersion, undefined);
    const back = await service.update("swap", { primary: "churn@champion", onAliasChange: "swap" });
    assert.equal(back.primaryVersion, undefined);
    const [changed] = await service.events("swap");
    assert.deepEqual(changed?.data?.on_alias_change, { old: "rollout", new: "swap" });
    assert.equal(changed?.data?.primary_version, undefined, "not pinned before nor after");
  });

  test("an explicit pin must name a version of the model of a pinned deployment", async () => {
    const moved = await service.update("pinned", { primaryVersion: "2" });
    assert.equal(moved.primaryVersion, "2");
    await assert.rejects(service.update("pinned", { primaryVersion: "9" }), { code: "RESOURCE_DOES_NOT_EXIST" });
    await assert.rejects(service.update("fixed", { primaryVersion: "2" }), {
      code: "INVALID_PARAMETER_VALUE",
      message: /'primary_version'/,
    });
    await service.update("pinned", { primaryVersion: "1" });
  });

  test("a bad policy or bad rollout settings are refused naming the field", async () => {
    const cases: [Parameters<DeploymentService["update"]>[1], RegExp][] = [
      [{ onAliasChange: "later" as "swap" }, /'on_alias_change'/],
      [{ rollout: [] as never }, /'rollout'/],
      [{ rollout: { steps: [50, 10] } }, /'rollout\.steps'/],
      [{ rollout: { intervalMs: 5 } }, /'rollout\.interval_ms'/],
      [{ rollout: { thresholds: { maxScorePsi: -1 } } }, /'rollout\.thresholds\.max_score_psi'/],
      [{ rollout: { notifyUrl: "https://evil.example/hook" } }, /'rollout\.notify_url'/],
    ];
    for (const [patch, message] of cases) {
      await assert.rejects(service.update("pinned", patch), { code: "INVALID_PARAMETER_VALUE", message });
    }
    await assert.rejects(service.create({ name: "bad", primary: "churn@champion", rollout: { steps: [] } }), {
      message: /'rollout\.steps'/,
    });
  });

  test("rollout settings merge into the stored ones (thresholds key by key); null forgets them", async () => {
    await service.update("pinned", {
      rollout: { steps: [10, 100], thresholds: { maxScorePsi: 0.3 }, notifyUrl: "https://n.test/T/B/first" },
    });
    const merged = await service.update("pinned", { rollout: { intervalMs: 2000, thresholds: { minRequests: 5 } } });
    assert.deepEqual(merged.rollout, {
      steps: [10, 100],
      intervalMs: 2000,
      thresholds: { maxScorePsi: 0.3, minRequests: 5 },
      notifyUrl: "https://n.test/T/B/first",
    });
    // Only the secret part of the URL changes: still a change, and the event shows no secret.
    const renotified = await service.update("pinned", { rollout: { notifyUrl: "https://n.test/T/B/second" } });
    assert.equal(renotified.generation, merged.generation + 1);
    const [event] = await service.events("pinned", { limit: 1 });
    assert.doesNotMatch(JSON.stringify(event), /first|second/);
    const reset = await service.update("pinned", { rollout: null });
    assert.equal(reset.rollout, undefined);
  });
});
