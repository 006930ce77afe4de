import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { testBackends } from "../../core/db/test-support/backends.js";
import { isMwError } from "../../core/errors.js";
import { featureMigrations } from "../migrations.js";
import { FeatureRegistry } from "./feature-registry.js";
import { SqlRegistryStore } from "./sql/sql-registry-store.js";

const BASE = `entities:
  - name: customer
    join_keys: {customer_id: string}
sources:
  - name: events
    dataset: churn-events
    timestamp_field: event_time
feature_views:
  - name: stats
    entities: [customer]
    source: events
    ttl: 30d
    features: {tenure: int, charges: float}
feature_services:
  - name: churn
    features: [stats]
`;

function clock() {
  let t = 1000;
  return { now: () => (t += 1000) };
}

for (const backend of testBackends()) {
  describe(`feature registry (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let registry: FeatureRegistry;
    let store: SqlRegistryStore;

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, featureMigrations);
      store = new SqlRegistryStore(db);
      registry = new FeatureRegistry({ store, columnsOf: async () => ({ status: "no-dataset" }), clock: clock() });
    });
    after(() => drop());

    test("an empty registry is version 0; a dry run stores nothing", async () => {
      assert.equal((await registry.at()).version, 0);
      const dry = await registry.apply([{ path: "f.yaml", text: BASE }], { dryRun: true });
      assert.equal(dry.dry_run, true);
      assert.equal(dry.registry_version, 0);
      assert.deepEqual(
        dry.changes.map((c) => `${c.change} ${c.kind} ${c.name}`),
        ["added entity customer", "added source events", "added feature_view stats", "added feature_service churn"],
      );
      assert.equal(dry.warnings.length, 1);
      assert.equal(await store.latest(), undefined);
    });

    test("apply stores version 1; the same files again change nothing", async () => {
      const first = await registry.apply([{ path: "f.yaml", text: BASE }]);
      assert.equal(first.registry_version, 1);
      assert.equal(first.changes.length, 4);
      const again = await registry.apply([{ path: "f.yaml", text: BASE }]);
      assert.deepEqual([again.registry_version, again.changes, again.unchanged], [1, [], 4]);
      const listed = await registry.list();
      assert.equal(listed.registry_version, 1);
      assert.deepEqual(
        listed.objects.map((o) => [o.kind, o.name, o.version, o.registry_version]),
        [
          ["feature_service", "churn", 1, 1],
          ["entity", "customer", 1, 1],
          ["source", "events", 1, 1],
          ["feature_view", "stats", 1, 1],
        ],
      );
      assert.deepEqual(
        (await registry.list("source")).objects.map((o) => o.name),
        ["events"],
      );
    });

    test("changes name the fields; objects left out are removed; history keeps every version", async () => {
      const changed = BASE.replace("ttl: 30d", "ttl: 7d").replace(/feature_services:[\s\S]*$/, "");
      const r = await registry.apply([{ path: "f.yaml", text: changed }]);
      assert.equal(r.registry_version, 2);
      assert.deepEqual(r.changes, [
        { kind: "feature_view", name: "stats", change: "changed", fields: ["ttl_ms"] },
        { kind: "feature_service", name: "churn", change: "removed" },
      ]);
      assert.equal(r.unchanged, 2);
      const shown = await registry.show("stats");
      assert.equal(shown.object.version, 2);
      assert.equal(shown.object.spec.ttl_ms, 7 * 86_400_000);
      assert.deepEqual(
        shown.history.map((h) => [h.version, h.registry_version]),
        [
          [1, 1],
          [2, 2],
        ],
      );
      await assert.rejects(registry.show("churn"), (e: unknown) => isMwError(e) && e.status === 404);
      // Older registry versions stay readable (training runs record the version they used).
      assert.equal((await registry.at(1)).definitions.feature_services[0]?.name, "churn");
      await assert.rejects(registry.at(9), (e: unknown) => isMwError(e) && e.status === 404);
    });

    test("invalid files store nothing and list every problem", async () => {
      await assert.rejects(
        registry.apply([{ path: "bad.yaml", text: "feature_views:\n  - name: x\n    source: nope\n" }]),
        (e: unknown) =>
          isMwError(e) &&
          e.code === "INVALID_PARAMETER_VALUE" &&
          e.message ===
            "bad.yaml:2: feature_views[0].features: missing (expected a mapping of feature columns to types)\nbad.yaml:3: feature_views[0].source: unknown source 'nope'",
      );
      assert.equal((await registry.at()).version, 2);
    });

    test("a commit against a stale version is a conflict", async () => {
      const latest = await registry.at();
      const commit = { definitions: latest.definitions, digest: "x", changes: [], createdTime: 1 };
      assert.equal(await store.commit({ ...commit, expected: latest.version - 1 }), "conflict");
      assert.equal(await store.commit({ ...commit, expected: latest.version }), latest.version + 1);
    });
  });
}
