import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { testBackends } from "../../core/db/test-support/backends.js";
import type { SqlTrackingStore } from "../sql/sql-tracking-store.js";
import type { LoggedModelSearchQuery } from "./logged-model-store.js";
import type { StoreFixture } from "./test-support/store-fixture.js";
import { openStore, rejectsWith } from "./test-support/store-fixture.js";

for (const backend of testBackends()) {
  describe(`logged models: search contract (${backend.name})`, () => {
    let f: StoreFixture;
    let store: SqlTrackingStore;
    let exp: string;
    let other: string;
    let runId: string;
    /** Model ids by name. */
    const ids: Record<string, string> = {};

    /** Names of the matches, in order. */
    async function names(q: Omit<LoggedModelSearchQuery, "experimentIds"> & { experimentIds?: string[] }) {
      const page = await store.searchLoggedModels({ experimentIds: [exp], ...q });
      return page.items.map((m) => m.info.name);
    }

    before(async () => {
      f = await openStore(backend);
      store = f.store;
      exp = await store.createExperiment({ name: "search" });
      other = await store.createExperiment({ name: "elsewhere" });
      runId = (await store.createRun({ experimentId: exp })).info.run_id;
      // Created in this order, so the default order (newest first) is e, d, c, b, a.
      const specs: [string, string, Record<string, string>, string?][] = [
        ["a", "0.1", { team: "churn" }, "classifier"],
        ["b", "0.2", { team: "churn-x" }],
        ["c", "0.3", { team: "growth" }, "regressor"],
        ["d", "0.1", {}],
        ["e", "0.5", { team: "Churn" }],
      ];
      for (const [name, lr, tags, modelType] of specs) {
        const m = await store.createLoggedModel({
          experimentId: exp,
          name,
          sourceRunId: name === "a" ? runId : undefined,
          modelType,
          params: [{ key: "lr", value: lr }],
          tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
        });
        ids[name] = m.info.model_id;
      }
      await store.finalizeLoggedModel(ids.a as string, "LOGGED_MODEL_READY");
      await store.finalizeLoggedModel(ids.c as string, "LOGGED_MODEL_READY");
      await store.createLoggedModel({ experimentId: other, name: "a" });
      const metric = (name: string, value: number, timestamp: number, dataset?: [string, string]) => ({
        key: "acc",
        value,
        timestamp,
        modelId: ids[name],
        ...(dataset ? { datasetName: dataset[0], datasetDigest: dataset[1] } : {}),
      });
      await store.logBatch(runId, {
        metrics: [
          metric("a", 0.7, 1, ["test", "d1"]),
          metric("a", 0.95, 2, ["train", "d2"]),
          metric("b", 0.9, 1, ["test", "d1"]),
          metric("c", 0.8, 1, ["test", "d9"]),
          metric("c", 0.6, 5, ["test", "d9"]),
          metric("d", Number.NaN, 1, ["test", "d1"]),
        ],
      });
      const doomed = await store.createLoggedModel({ experimentId: exp, name: "deleted" });
      await store.deleteLoggedModel(doomed.info.model_id);
    });
    after(() => f.drop());

    test("no filter: the experiment's active models, newest first; other experiments only when asked", async () => {
      assert.deepEqual(await names({}), ["e", "d", "c", "b", "a"]);
      assert.deepEqual(await names({ experimentIds: [other] }), ["a"]);
      assert.deepEqual((await names({ experimentIds: [exp, other] })).length, 6);
      assert.deepEqual(await names({ experimentIds: [] }), []);
      assert.deepEqual(await names({ experimentIds: ["not-a-number"] }), []);
    });

    test("attributes: name, status (with or without the prefix), model_id IN, source_run_id, times", async () => {
      assert.deepEqual(await names({ filter: "name = 'b'" }), ["b"]);
      assert.deepEqual(await names({ filter: "attributes.name LIKE '%'  AND name != 'e'" }), ["d", "c", "b", "a"]);
      assert.deepEqual(await names({ filter: "status = 'LOGGED_MODEL_READY'" }), ["c", "a"]);
      assert.deepEqual(await names({ filter: "status = 'READY'" }), ["c", "a"]);
      assert.deepEqual(await names({ filter: "status IN ('PENDING')" }), ["e", "d", "b"]);
      assert.deepEqual(await names({ filter: `model_id IN ('${ids.a}', '${ids.d}')` }), ["d", "a"]);
      assert.deepEqual(await names({ filter: `source_run_id = '${runId}'` }), ["a"]);
      assert.deepEqual(await names({ filter: "model_type ILIKE 'CLASS%'" }), ["a"]);
      const { info } = await store.getLoggedModel(ids.c as string);
      assert.deepEqual(await names({ filter: `creation_time > ${info.creation_timestamp_ms}` }), ["e", "d"]);
      assert.deepEqual(await names({ filter: `creation_timestamp <= ${info.creation_timestamp_ms}` }), ["c", "b", "a"]);
    });

    test("params and tags: a model without the key never matches, even for !=", async () => {
      assert.deepEqual(await names({ filter: "params.lr = '0.1'" }), ["d", "a"]);
      assert.deepEqual(await names({ filter: "tags.team LIKE 'churn%'" }), ["b", "a"]);
      assert.deepEqual(await names({ filter: "tags.team ILIKE 'churn'" }), ["e", "a"]);
      assert.deepEqual(await names({ filter: "tags.team != 'growth'" }), ["e", "b", "a"]);
      assert.deepEqual(await names({ filter: "params.lr = '0.1' AND tags.team = 'churn'" }), ["a"]);
    });

    test("metrics: any linked point may match; datasets restrict metric clauses and metric-less searches", async () => {
      assert.deepEqual(await names({ filter: "metrics.acc > 0.85" }), ["b", "a"]);
      const test1 = [{ datasetName: "test", datasetDigest: "d1" }];
      assert.deepEqual(await names({ filter: "metrics.acc > 0.85", datasets: test1 }), ["b"]);
      assert.deepEqual(await names({ filter: "metrics.acc >= 0.6", datasets: [{ datasetName: "test" }] }), [
        "c",
        "b",
        "a",
      ]);
      assert.deepEqual(await names({ datasets: test1 }), ["d", "b", "a"]);
      assert.deepEqual(await names({ datasets: [{ datasetName: "train" }] }), ["a"]);
      assert.deepEqual(await names({ filter: "metrics.missing < 1" }), []);
      await rejectsWith(
        store.searchLoggedModels({ experimentIds: [exp], datasets: [{ datasetName: "" }] }),
        "INVALID_PARAMETER_VALUE",
        /dataset_name/,
      );
    });

    test("order_by: attributes (nulls last), the latest metric value on a dataset (missing and NaN last)", async () => {
      assert.deepEqual(await names({ orderBy: [{ fieldName: "name" }] }), ["a", "b", "c", "d", "e"]);
      assert.deepEqual(await names({ orderBy: [{ fieldName: "creation_time", ascending: true }] }), [
        "a",
        "b",
        "c",
        "d",
        "e",
      ]);
      assert.deepEqual(await names({ orderBy: [{ fieldName: "model_type", ascending: false }] }), [
        "c",
        "a",
        "e",
        "d",
        "b",
      ]);
      // Latest acc: a 0.95 (ts 2), b 0.9, c 0.6 (ts 5), d NaN, e none.
      assert.deepEqual(await names({ orderBy: [{ fieldName: "metrics.acc", ascending: false }] }), [
        "a",
        "b",
        "c",
        "e",
        "d",
      ]);
      assert.deepEqual(await names({ orderBy: [{ fieldName: "metrics.acc" }] }), ["c", "b", "a", "e", "d"]);
      const onTest = [{ fieldName: "metrics.acc", ascending: false, datasetName: "test" }];
      assert.deepEqual(await names({ orderBy: onTest }), ["b", "a", "c", "e", "d"]);
      const onD1 = [{ fieldName: "metrics.acc", datasetName: "test", datasetDigest: "d1" }];
      assert.deepEqual(await names({ orderBy: onD1, filter: "metrics.acc > 0" }), ["a", "b", "c"]);
    });

    test("paging: tokens walk every match once, in order", async () => {
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await store.searchLoggedModels({
          experimentIds: [exp],
          orderBy: [{ fieldName: "name" }],
          maxResults: 2,
          pageToken: token,
        });
        seen.push(...page.items.map((m) => m.info.name));
        token = page.nextPageToken;
        pages++;
      } while (token);
      assert.deepEqual(seen, ["a", "b", "c", "d", "e"]);
      assert.equal(pages, 3);
      const full = await store.searchLoggedModels({ experimentIds: [exp], maxResults: 5 });
      assert.equal(full.nextPageToken, undefined);
      assert.deepEqual(
        full.items[4]?.data.metrics?.map((m) => m.value),
        [0.7, 0.95],
      );
    });

    test("refusals name what is wrong", async () => {
      const bad = async (q: Partial<LoggedModelSearchQuery>, message: RegExp) =>
        rejectsWith(store.searchLoggedModels({ experimentIds: [exp], ...q }), "INVALID_PARAMETER_VALUE", message);
      await bad({ filter: "metrics.acc > 'x'" }, /numeric/);
      await bad({ filter: "params.lr > '1'" }, /comparator/);
      await bad({ filter: "datasets.name = 'x'" }, /entity type/);
      await bad({ filter: "nope = 'x'" }, /nope/);
      await bad({ filter: "name = 'a' OR name = 'b'" }, /OR/);
      await bad({ orderBy: [{ fieldName: "params.lr" }] }, /order_by\[0\]/);
      await bad({ orderBy: [{ fieldName: "nope" }] }, /order_by\[0\].field_name/);
      await bad({ orderBy: [{ fieldName: "metrics.acc", datasetDigest: "d1" }] }, /dataset_digest/);
      await bad({ maxResults: 0 }, /max_results/);
      await bad({ pageToken: "!!" }, /page token/);
    });
  });
}
