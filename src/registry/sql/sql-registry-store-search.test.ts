/** Contract: registered-model and model-version search (filters, order, tie-breaks, paging, limits). */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { RegistrySearchQuery } from "../registry-store.js";
import type { SqlRegistryStore } from "./sql-registry-store.js";
import { forEachBackend, rejectsWith } from "./test-support/registry-backends.js";

/** Every page of a search, following next_page_token. */
async function allPages<T>(
  search: (q: RegistrySearchQuery) => Promise<{ items: T[]; nextPageToken?: string }>,
  q: RegistrySearchQuery,
): Promise<T[][]> {
  const pages: T[][] = [];
  let pageToken: string | undefined;
  do {
    const page = await search({ ...q, pageToken });
    pages.push(page.items);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return pages;
}

forEachBackend("registry search", (h) => {
  /** Models b, a, c, d created in that order (a tick apart), some tagged, with versions. */
  async function seed(): Promise<SqlRegistryStore> {
    const { store, clock } = h();
    const specs = [
      { name: "b", tags: [{ key: "team", value: "red" }], versions: 2 },
      { name: "a", tags: [{ key: "team", value: "blue" }], versions: 3 },
      { name: "c", tags: [], versions: 0 },
      { name: "d", tags: [{ key: "team", value: "Red" }], versions: 1 },
    ];
    for (const s of specs) {
      clock.tick();
      await store.createRegisteredModel({ name: s.name, tags: s.tags });
      for (let i = 1; i <= s.versions; i++) {
        clock.tick();
        await store.createModelVersion({
          name: s.name,
          source: `s3://bucket/${s.name}/${i}`,
          runId: `run-${s.name}-${i}`,
          tags: i === 1 ? [{ key: "first", value: "yes" }] : [],
        });
      }
    }
    return store;
  }
  const names = (items: { name: string }[]) => items.map((m) => m.name);
  const keys = (items: { name: string; version: string }[]) => items.map((v) => `${v.name}/${v.version}`);

  test("models: default order is name ascending, with full entities", async () => {
    const store = await seed();
    const page = await store.searchRegisteredModels({});
    assert.deepEqual(names(page.items), ["a", "b", "c", "d"]);
    assert.equal(page.nextPageToken, undefined);
    const a = page.items[0]!;
    assert.deepEqual(a.tags, [{ key: "team", value: "blue" }]);
    assert.deepEqual(
      a.latest_versions?.map((v) => v.version),
      ["3"],
    );
  });

  test("models: filters on name and tags", async () => {
    const store = await seed();
    const search = async (filter: string) => names((await store.searchRegisteredModels({ filter })).items);
    assert.deepEqual(await search("name = 'a'"), ["a"]);
    assert.deepEqual(await search("name != 'a'"), ["b", "c", "d"]);
    assert.deepEqual(await search("name LIKE 'C%'"), []);
    assert.deepEqual(await search("name ILIKE 'C%'"), ["c"]);
    assert.deepEqual(await search("name LIKE '%'"), ["a", "b", "c", "d"]);
    assert.deepEqual(await search("tags.team = 'red'"), ["b"]);
    assert.deepEqual(await search("tags.team ILIKE 'red'"), ["b", "d"]);
    assert.deepEqual(await search("tags.team ILIKE 'r%' AND name != 'b'"), ["d"]);
    assert.deepEqual(await search("tags.missing = 'x'"), []);
  });

  test("models: order_by timestamps and name, descending", async () => {
    const store = await seed();
    const order = async (...orderBy: string[]) => names((await store.searchRegisteredModels({ orderBy })).items);
    assert.deepEqual(await order("name DESC"), ["d", "c", "b", "a"]);
    assert.deepEqual(await order("creation_timestamp DESC"), ["d", "c", "a", "b"]);
    assert.deepEqual(await order("timestamp"), ["b", "a", "c", "d"]);
    // last_updated moves with each new version: c (no versions) is older than a's last version.
    assert.deepEqual(await order("last_updated_timestamp DESC"), ["d", "c", "a", "b"]);
  });

  test("models: ties on the order key break on name ascending", async () => {
    const { store } = h();
    for (const name of ["z", "x", "y"]) await store.createRegisteredModel({ name });
    const page = await store.searchRegisteredModels({ orderBy: ["creation_timestamp DESC"] });
    assert.deepEqual(names(page.items), ["x", "y", "z"]);
  });

  test("models: paging returns every model once, with a token only while more remain", async () => {
    const store = await seed();
    const pages = await allPages((q) => store.searchRegisteredModels(q), { maxResults: 3 });
    assert.deepEqual(pages.map(names), [["a", "b", "c"], ["d"]]);
    const exact = await allPages((q) => store.searchRegisteredModels(q), { maxResults: 2 });
    assert.deepEqual(exact.map(names), [
      ["a", "b"],
      ["c", "d"],
    ]);
  });

  test("models: limits and malformed input are INVALID_PARAMETER_VALUE", async () => {
    const store = await seed();
    assert.equal((await store.searchRegisteredModels({ maxResults: 1000 })).items.length, 4);
    await rejectsWith(store.searchRegisteredModels({ maxResults: 1001 }), "INVALID_PARAMETER_VALUE", /max_results/);
    await rejectsWith(store.searchRegisteredModels({ maxResults: 0 }), "INVALID_PARAMETER_VALUE", /max_results/);
    await rejectsWith(store.searchRegisteredModels({ filter: "name = " }), "INVALID_PARAMETER_VALUE");
    await rejectsWith(store.searchRegisteredModels({ filter: "metrics.x > 1" }), "INVALID_PARAMETER_VALUE");
    await rejectsWith(store.searchRegisteredModels({ orderBy: ["version_number"] }), "INVALID_PARAMETER_VALUE");
    await rejectsWith(store.searchRegisteredModels({ pageToken: "%%%" }), "INVALID_PARAMETER_VALUE");
  });

  test("versions: default order is name ascending then version descending", async () => {
    const store = await seed();
    const page = await store.searchModelVersions({});
    assert.deepEqual(keys(page.items), ["a/3", "a/2", "a/1", "b/2", "b/1", "d/1"]);
    assert.deepEqual(page.items[2]?.tags, [{ key: "first", value: "yes" }]);
  });

  test("versions: filters on name, run_id, version, source, timestamps and tags", async () => {
    const store = await seed();
    const search = async (filter: string) => keys((await store.searchModelVersions({ filter })).items);
    assert.deepEqual(await search("name = 'b'"), ["b/2", "b/1"]);
    assert.deepEqual(await search("run_id = 'run-a-2'"), ["a/2"]);
    assert.deepEqual(await search("run_id IN ('run-a-1', 'run-d-1')"), ["a/1", "d/1"]);
    assert.deepEqual(await search("name = 'a' AND version_number >= 2"), ["a/3", "a/2"]);
    assert.deepEqual(await search("source_path LIKE 's3://bucket/b/%'"), ["b/2", "b/1"]);
    assert.deepEqual(await search("tags.first = 'yes'"), ["a/1", "b/1", "d/1"]);
    const created = (await store.getModelVersion({ name: "d", version: 1 })).creation_timestamp;
    assert.deepEqual(await search(`creation_timestamp >= ${created}`), ["d/1"]);
  });

  test("versions: deleted versions are never found", async () => {
    const store = await seed();
    await store.deleteModelVersion({ name: "a", version: 3 });
    assert.deepEqual(keys((await store.searchModelVersions({ filter: "name = 'a'" })).items), ["a/2", "a/1"]);
    assert.deepEqual(keys((await store.searchModelVersions({ filter: "version_number = 3" })).items), []);
  });

  test("versions: order_by and paging", async () => {
    const store = await seed();
    const order = async (...orderBy: string[]) => keys((await store.searchModelVersions({ orderBy })).items);
    assert.deepEqual(await order("version_number DESC"), ["a/3", "a/2", "b/2", "a/1", "b/1", "d/1"]);
    assert.deepEqual(await order("creation_timestamp"), ["b/1", "b/2", "a/1", "a/2", "a/3", "d/1"]);
    assert.deepEqual(await order("name DESC", "version_number"), ["d/1", "b/1", "b/2", "a/1", "a/2", "a/3"]);
    const pages = await allPages((q) => store.searchModelVersions(q), { maxResults: 4 });
    assert.deepEqual(pages.map(keys), [
      ["a/3", "a/2", "a/1", "b/2"],
      ["b/1", "d/1"],
    ]);
  });

  test("versions: limits and malformed input are INVALID_PARAMETER_VALUE", async () => {
    const store = await seed();
    assert.equal((await store.searchModelVersions({ maxResults: 200000 })).items.length, 6);
    await rejectsWith(store.searchModelVersions({ maxResults: 200001 }), "INVALID_PARAMETER_VALUE", /max_results/);
    await rejectsWith(store.searchModelVersions({ filter: "run_id NOT IN ('x')" }), "INVALID_PARAMETER_VALUE");
    await rejectsWith(store.searchModelVersions({ filter: "version_number = 'x'" }), "INVALID_PARAMETER_VALUE");
    await rejectsWith(store.searchModelVersions({ orderBy: ["run_id"] }), "INVALID_PARAMETER_VALUE");
    await rejectsWith(store.searchModelVersions({ pageToken: "bm90IGpzb24" }), "INVALID_PARAMETER_VALUE");
  });
});
