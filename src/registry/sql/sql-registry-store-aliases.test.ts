/** Contract: aliases (set, move, delete, lookup, reserved names, removal with their version). */
import assert from "node:assert/strict";
import { test } from "node:test";
import { forEachBackend, rejectsWith } from "./test-support/registry-backends.js";

forEachBackend("aliases", (h) => {
  async function modelWithVersions(n: number) {
    const { store } = h();
    await store.createRegisteredModel({ name: "m" });
    for (let i = 0; i < n; i++) await store.createModelVersion({ name: "m", source: `s3://b/${i}` });
    return store;
  }

  test("set, look up, and list on the model and on the version", async () => {
    const store = await modelWithVersions(2);
    const { clock } = h();
    const t = clock.tick();
    await store.setAlias({ name: "m", alias: "champion", version: "1" });
    await store.setAlias({ name: "m", alias: "baseline", version: 1 });
    const v = await store.getModelVersionByAlias({ name: "m", alias: "champion" });
    assert.equal(v.version, "1");
    assert.deepEqual(v.aliases, ["baseline", "champion"]);
    const m = await store.getRegisteredModel({ name: "m" });
    assert.deepEqual(m.aliases, [
      { alias: "baseline", version: "1" },
      { alias: "champion", version: "1" },
    ]);
    assert.equal(m.last_updated_timestamp, t);
    assert.equal((await store.getModelVersion({ name: "m", version: 2 })).aliases, undefined);
  });

  test("setting an existing alias moves it", async () => {
    const store = await modelWithVersions(2);
    await store.setAlias({ name: "m", alias: "champion", version: 1 });
    await store.setAlias({ name: "m", alias: "champion", version: 2 });
    assert.equal((await store.getModelVersionByAlias({ name: "m", alias: "champion" })).version, "2");
    assert.equal((await store.getModelVersion({ name: "m", version: 1 })).aliases, undefined);
    assert.deepEqual((await store.getRegisteredModel({ name: "m" })).aliases, [{ alias: "champion", version: "2" }]);
  });

  test("delete removes the alias; deleting a missing alias is fine", async () => {
    const store = await modelWithVersions(1);
    await store.setAlias({ name: "m", alias: "champion", version: 1 });
    await store.deleteAlias({ name: "m", alias: "champion" });
    await store.deleteAlias({ name: "m", alias: "champion" });
    assert.equal((await store.getRegisteredModel({ name: "m" })).aliases, undefined);
  });

  test("a missing alias is INVALID_PARAMETER_VALUE with MLflow's exact message", async () => {
    const store = await modelWithVersions(1);
    await rejectsWith(
      store.getModelVersionByAlias({ name: "m", alias: "champion" }),
      "INVALID_PARAMETER_VALUE",
      "Registered model alias champion not found.",
    );
  });

  test("an alias disappears with its version", async () => {
    const store = await modelWithVersions(2);
    await store.setAlias({ name: "m", alias: "champion", version: 2 });
    await store.setAlias({ name: "m", alias: "fallback", version: 1 });
    await store.deleteModelVersion({ name: "m", version: 2 });
    await rejectsWith(
      store.getModelVersionByAlias({ name: "m", alias: "champion" }),
      "INVALID_PARAMETER_VALUE",
      "Registered model alias champion not found.",
    );
    assert.deepEqual((await store.getRegisteredModel({ name: "m" })).aliases, [{ alias: "fallback", version: "1" }]);
  });

  test("reserved and malformed alias names are INVALID_PARAMETER_VALUE", async () => {
    const store = await modelWithVersions(1);
    const bad = ["latest", "LATEST", "Latest", "v1", "V12", "", "has space", "a.b", "a/b", "x".repeat(256)];
    for (const alias of bad) {
      await rejectsWith(store.setAlias({ name: "m", alias, version: 1 }), "INVALID_PARAMETER_VALUE");
      await rejectsWith(store.getModelVersionByAlias({ name: "m", alias }), "INVALID_PARAMETER_VALUE");
      await rejectsWith(store.deleteAlias({ name: "m", alias }), "INVALID_PARAMETER_VALUE");
    }
    for (const alias of ["v1a", "vv1", "latest-2", "prod_EU", "x".repeat(255), "moдель"]) {
      await store.setAlias({ name: "m", alias, version: 1 });
      assert.equal((await store.getModelVersionByAlias({ name: "m", alias })).version, "1");
    }
  });

  test("an alias to a missing or deleted version is RESOURCE_DOES_NOT_EXIST", async () => {
    const store = await modelWithVersions(2);
    await rejectsWith(
      store.setAlias({ name: "m", alias: "champion", version: 3 }),
      "RESOURCE_DOES_NOT_EXIST",
      "Model Version (name=m, version=3) not found",
    );
    await store.deleteModelVersion({ name: "m", version: 2 });
    await rejectsWith(store.setAlias({ name: "m", alias: "champion", version: 2 }), "RESOURCE_DOES_NOT_EXIST");
    await rejectsWith(store.setAlias({ name: "m", alias: "champion", version: "two" }), "INVALID_PARAMETER_VALUE");
  });

  test("aliases on an unknown model are RESOURCE_DOES_NOT_EXIST", async () => {
    const { store } = h();
    const msg = "Registered Model with name=ghost not found";
    await rejectsWith(store.setAlias({ name: "ghost", alias: "a", version: 1 }), "RESOURCE_DOES_NOT_EXIST", msg);
    await rejectsWith(store.deleteAlias({ name: "ghost", alias: "a" }), "RESOURCE_DOES_NOT_EXIST", msg);
    await rejectsWith(store.getModelVersionByAlias({ name: "ghost", alias: "a" }), "RESOURCE_DOES_NOT_EXIST", msg);
  });
});
