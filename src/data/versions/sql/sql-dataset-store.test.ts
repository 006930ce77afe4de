import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Database } from "../../../core/db/database.js";
import { migrate } from "../../../core/db/migrate.js";
import { testBackends } from "../../../core/db/test-support/backends.js";
import { dataMigrations } from "../../migrations.js";
import type { NewDatasetVersion } from "../dataset-store.js";
import { SqlDatasetStore } from "./sql-dataset-store.js";

function input(name: string, digest: string, createdTime = 1000): NewDatasetVersion {
  return {
    name,
    digest: digest.padEnd(64, "0"),
    format: "csv",
    sizeBytes: 10,
    rows: 3,
    columns: 2,
    schemaJson: "{}",
    profileJson: "{}",
    sourcePath: `/data/${name}.csv`,
    createdTime,
  };
}

for (const backend of testBackends()) {
  describe(`SqlDatasetStore contract (${backend.name})`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let store: SqlDatasetStore;

    before(async () => {
      ({ db, drop } = await backend.create());
      await migrate(db, dataMigrations);
      store = new SqlDatasetStore(db);
    });
    after(() => drop());

    test("versions count up per name; identical bytes return the existing version", async () => {
      const v1 = await store.addVersion({ ...input("churn", "a1"), gitCommit: "f".repeat(40) });
      assert.equal(v1.created, true);
      assert.equal(v1.version.version, 1);
      const v2 = await store.addVersion(input("churn", "b2", 2000));
      assert.equal(v2.version.version, 2);
      const again = await store.addVersion(input("churn", "a1", 3000));
      assert.deepEqual(again, { version: v1.version, created: false });
      const other = await store.addVersion(input("other", "a1"));
      assert.equal(other.version.version, 1);
      assert.equal(other.created, true);
    });

    test("get latest or a given version, with the full record", async () => {
      const latest = await store.getVersion("churn");
      assert.equal(latest.version, 2);
      const first = await store.getVersion("churn", 1);
      assert.equal(first.gitCommit, "f".repeat(40));
      assert.equal(first.rows, 3);
      assert.equal(first.createdTime, 1000);
      assert.equal((await store.findByDigest("churn", "b2".padEnd(64, "0")))?.version, 2);
      assert.equal(await store.findByDigest("churn", "c3".padEnd(64, "0")), undefined);
    });

    test("missing datasets and versions are RESOURCE_DOES_NOT_EXIST", async () => {
      await assert.rejects(store.getVersion("nope"), {
        code: "RESOURCE_DOES_NOT_EXIST",
        message: /'nope' does not exist/,
      });
      await assert.rejects(store.getVersion("churn", 9), { code: "RESOURCE_DOES_NOT_EXIST", message: /no version 9/ });
      await assert.rejects(store.listVersions("nope"), { code: "RESOURCE_DOES_NOT_EXIST" });
    });

    test("lists datasets with their latest version, and versions oldest first", async () => {
      const all = await store.listDatasets();
      assert.deepEqual(
        all.map((d) => [d.name, d.versionCount, d.latest.version]),
        [
          ["churn", 2, 2],
          ["other", 1, 1],
        ],
      );
      assert.deepEqual(
        (await store.listVersions("churn")).map((v) => v.version),
        [1, 2],
      );
    });

    test("concurrent adds get distinct numbers; the same bytes get one version", async () => {
      const digests = ["d1", "d2", "d3", "d4", "d1", "d2"];
      const results = await Promise.all(digests.map((d) => store.addVersion(input("race", d))));
      const numbers = new Set(results.map((r) => r.version.version));
      assert.deepEqual([...numbers].sort(), [1, 2, 3, 4]);
      assert.equal(results.filter((r) => r.created).length, 4);
    });

    test("invalid names are refused", async () => {
      for (const bad of ["", "a@1", "a/b", " x", "-x"]) {
        await assert.rejects(store.addVersion(input(bad, "e5")), { code: "INVALID_PARAMETER_VALUE" });
      }
    });
  });
}
