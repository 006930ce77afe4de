/** Contract: registered models (create, get, update, rename, delete) and their tags. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { forEachBackend, rejectsWith } from "./test-support/registry-backends.js";

forEachBackend("registered models", (h) => {
  test("create returns the model and get reads it back", async () => {
    const { store, clock } = h();
    const created = await store.createRegisteredModel({
      name: "churn",
      description: "churn model",
      tags: [
        { key: "team", value: "a" },
        { key: "team", value: "b" },
        { key: "domain", value: "telco" },
      ],
    });
    assert.deepEqual(created, {
      name: "churn",
      creation_timestamp: clock.t,
      last_updated_timestamp: clock.t,
      description: "churn model",
      // In the order given; a repeated key keeps its first place and its last value.
      tags: [
        { key: "team", value: "b" },
        { key: "domain", value: "telco" },
      ],
    });
    assert.deepEqual(await store.getRegisteredModel({ name: "churn" }), created);
  });

  test("a bare model omits empty fields", async () => {
    const { store, clock } = h();
    const m = await store.createRegisteredModel({ name: "bare" });
    assert.deepEqual(m, { name: "bare", creation_timestamp: clock.t, last_updated_timestamp: clock.t });
  });

  test("a duplicate name is RESOURCE_ALREADY_EXISTS", async () => {
    const { store } = h();
    await store.createRegisteredModel({ name: "churn" });
    await rejectsWith(
      store.createRegisteredModel({ name: "churn" }),
      "RESOURCE_ALREADY_EXISTS",
      "Registered Model (name=churn) already exists.",
    );
  });

  test("an empty name is INVALID_PARAMETER_VALUE naming the field", async () => {
    const { store } = h();
    await rejectsWith(store.createRegisteredModel({ name: "" }), "INVALID_PARAMETER_VALUE", /'name'/);
    await rejectsWith(store.createRegisteredModel({ name: "  " }), "INVALID_PARAMETER_VALUE", /'name'/);
  });

  test("bad tags are rejected at create and nothing is written", async () => {
    const { store } = h();
    await rejectsWith(
      store.createRegisteredModel({ name: "m", tags: [{ key: "bad/../key", value: "v" }] }),
      "INVALID_PARAMETER_VALUE",
    );
    await rejectsWith(
      store.createRegisteredModel({ name: "m", tags: [{ key: "k", value: "x".repeat(5001) }] }),
      "INVALID_PARAMETER_VALUE",
      /5000/,
    );
    await rejectsWith(store.getRegisteredModel({ name: "m" }), "RESOURCE_DOES_NOT_EXIST");
  });

  test("an unknown model is RESOURCE_DOES_NOT_EXIST with MLflow's message", async () => {
    const { store } = h();
    const msg = "Registered Model with name=nope not found";
    await rejectsWith(store.getRegisteredModel({ name: "nope" }), "RESOURCE_DOES_NOT_EXIST", msg);
    await rejectsWith(store.updateRegisteredModel({ name: "nope", description: "d" }), "RESOURCE_DOES_NOT_EXIST", msg);
    await rejectsWith(store.deleteRegisteredModel({ name: "nope" }), "RESOURCE_DOES_NOT_EXIST", msg);
    await rejectsWith(store.renameRegisteredModel({ name: "nope", newName: "x" }), "RESOURCE_DOES_NOT_EXIST", msg);
    await rejectsWith(store.getLatestVersions({ name: "nope" }), "RESOURCE_DOES_NOT_EXIST", msg);
    await rejectsWith(
      store.setRegisteredModelTag({ name: "nope", key: "k", value: "v" }),
      "RESOURCE_DOES_NOT_EXIST",
      msg,
    );
    await rejectsWith(store.deleteRegisteredModelTag({ name: "nope", key: "k" }), "RESOURCE_DOES_NOT_EXIST", msg);
    await rejectsWith(store.createModelVersion({ name: "nope", source: "s3://b/m" }), "RESOURCE_DOES_NOT_EXIST", msg);
  });

  test("update sets the description and bumps last_updated_timestamp", async () => {
    const { store, clock } = h();
    const created = await store.createRegisteredModel({ name: "m", description: "old" });
    const t = clock.tick();
    const updated = await store.updateRegisteredModel({ name: "m", description: "new" });
    assert.equal(updated.description, "new");
    assert.equal(updated.creation_timestamp, created.creation_timestamp);
    assert.equal(updated.last_updated_timestamp, t);
    // MLflow's proto default: an absent description clears it.
    assert.equal((await store.updateRegisteredModel({ name: "m" })).description, "");
  });

  test("rename moves versions, version tags, model tags and aliases in one go", async () => {
    const { store, clock } = h();
    await store.createRegisteredModel({ name: "old", tags: [{ key: "k", value: "v" }] });
    await store.createModelVersion({ name: "old", source: "s3://b/1", tags: [{ key: "vk", value: "vv" }] });
    await store.createModelVersion({ name: "old", source: "s3://b/2" });
    await store.setAlias({ name: "old", alias: "champion", version: "2" });
    const t = clock.tick();
    const renamed = await store.renameRegisteredModel({ name: "old", newName: "new" });
    assert.equal(renamed.name, "new");
    assert.equal(renamed.last_updated_timestamp, t);
    assert.deepEqual(renamed.tags, [{ key: "k", value: "v" }]);
    assert.deepEqual(renamed.aliases, [{ alias: "champion", version: "2" }]);
    assert.deepEqual(
      renamed.latest_versions?.map((v) => [v.name, v.version]),
      [["new", "2"]],
    );
    const v1 = await store.getModelVersion({ name: "new", version: "1" });
    assert.deepEqual(v1.tags, [{ key: "vk", value: "vv" }]);
    assert.equal((await store.getModelVersionByAlias({ name: "new", alias: "champion" })).version, "2");
    await rejectsWith(store.getRegisteredModel({ name: "old" }), "RESOURCE_DOES_NOT_EXIST");
    await rejectsWith(store.getModelVersion({ name: "old", version: 1 }), "RESOURCE_DOES_NOT_EXIST");
    // Numbering continues under the new name.
    assert.equal((await store.createModelVersion({ name: "new", source: "s3://b/3" })).version, "3");
  });

  test("rename onto an existing name or an empty name fails and changes nothing", async () => {
    const { store } = h();
    await store.createRegisteredModel({ name: "a" });
    await store.createRegisteredModel({ name: "b" });
    await store.createModelVersion({ name: "a", source: "s3://b/1" });
    await rejectsWith(
      store.renameRegisteredModel({ name: "a", newName: "b" }),
      "RESOURCE_ALREADY_EXISTS",
      "Registered Model (name=b) already exists.",
    );
    await rejectsWith(store.renameRegisteredModel({ name: "a", newName: "" }), "INVALID_PARAMETER_VALUE", /'new_name'/);
    assert.equal((await store.getModelVersion({ name: "a", version: 1 })).name, "a");
    assert.equal((await store.renameRegisteredModel({ name: "a", newName: "a" })).name, "a");
  });

  test("delete removes the model, its versions, tags and aliases", async () => {
    const { store } = h();
    await store.createRegisteredModel({ name: "m", tags: [{ key: "k", value: "v" }] });
    await store.createModelVersion({ name: "m", source: "s3://b/1", tags: [{ key: "vk", value: "vv" }] });
    await store.createModelVersion({ name: "m", source: "s3://b/2" });
    await store.setAlias({ name: "m", alias: "prod", version: 1 });
    await store.deleteRegisteredModel({ name: "m" });
    await rejectsWith(store.getRegisteredModel({ name: "m" }), "RESOURCE_DOES_NOT_EXIST");
    await rejectsWith(store.getModelVersion({ name: "m", version: 1 }), "RESOURCE_DOES_NOT_EXIST");
    // A model re-created under the name starts from scratch.
    const again = await store.createRegisteredModel({ name: "m" });
    assert.equal(again.tags, undefined);
    assert.equal(again.aliases, undefined);
    const v = await store.createModelVersion({ name: "m", source: "s3://b/new" });
    assert.equal(v.version, "1");
    assert.equal(v.tags, undefined);
    assert.equal((await store.searchModelVersions({ filter: "name = 'm'" })).items.length, 1);
  });

  test("model tags: set, overwrite, delete; deleting a missing tag is fine; listed in the order set", async () => {
    const { store } = h();
    await store.createRegisteredModel({ name: "m", tags: [{ key: "z", value: "0" }] });
    await store.setRegisteredModelTag({ name: "m", key: "b", value: "1" });
    await store.setRegisteredModelTag({ name: "m", key: "a", value: "2" });
    await store.setRegisteredModelTag({ name: "m", key: "b", value: "3" });
    // An overwritten tag keeps its place, as MLflow's update in place.
    assert.deepEqual((await store.getRegisteredModel({ name: "m" })).tags, [
      { key: "z", value: "0" },
      { key: "b", value: "3" },
      { key: "a", value: "2" },
    ]);
    await store.deleteRegisteredModelTag({ name: "m", key: "b" });
    await store.deleteRegisteredModelTag({ name: "m", key: "never" });
    await store.setRegisteredModelTag({ name: "m", key: "b", value: "4" });
    // Deleted and set again, it goes last; a rename keeps the order.
    await store.renameRegisteredModel({ name: "m", newName: "m2" });
    assert.deepEqual((await store.getRegisteredModel({ name: "m2" })).tags, [
      { key: "z", value: "0" },
      { key: "a", value: "2" },
      { key: "b", value: "4" },
    ]);
    const [found] = (await store.searchRegisteredModels({ filter: "name = 'm2'" })).items;
    assert.deepEqual(
      found?.tags?.map((t) => t.key),
      ["z", "a", "b"],
    );
  });

  test("model tag limits: key ≤ 250 and well-formed, value ≤ 5000", async () => {
    const { store } = h();
    await store.createRegisteredModel({ name: "m" });
    await store.setRegisteredModelTag({ name: "m", key: "k".repeat(250), value: "v".repeat(5000) });
    await rejectsWith(
      store.setRegisteredModelTag({ name: "m", key: "k".repeat(251), value: "v" }),
      "INVALID_PARAMETER_VALUE",
      /250/,
    );
    await rejectsWith(
      store.setRegisteredModelTag({ name: "m", key: "k", value: "v".repeat(5001) }),
      "INVALID_PARAMETER_VALUE",
      /5000/,
    );
    await rejectsWith(store.setRegisteredModelTag({ name: "m", key: "a!b", value: "v" }), "INVALID_PARAMETER_VALUE");
    await rejectsWith(store.setRegisteredModelTag({ name: "m", key: "", value: "v" }), "INVALID_PARAMETER_VALUE");
  });
});
