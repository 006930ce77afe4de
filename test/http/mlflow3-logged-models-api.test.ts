/**
 * The logged-model routes through the real app: search filters, order_by objects and pages,
 * delete, tags, params, and errors that name the field. On SQLite, and on PostgreSQL when
 * MODELWORKS_TEST_POSTGRES_URI is set.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { LoggedModel } from "../../src/core/api/logged-model-entities.js";
import type { Experiment, Run } from "../../src/core/api/mlflow-entities.js";
import { expectError, Wire } from "./support/client.js";
import type { Harness } from "./support/harness.js";
import { harnessBackends } from "./support/harness.js";
import * as py from "./support/python-client.js";
import * as py3 from "./support/python3-client.js";

const T0 = 1_700_000_000_000;
const UNKNOWN = "m-0123456789abcdef0123456789abcdef";

for (const backend of harnessBackends()) {
  describe(`logged-model routes over HTTP (${backend.name})`, () => {
    let h: Harness;
    let w: Wire;
    let exp: Experiment;
    let run: Run;
    const models: Record<string, LoggedModel> = {};

    const create = async (body: Record<string, unknown>) =>
      (
        await w.ok<{ model: LoggedModel }>("POST", "/mlflow/logged-models", {
          experiment_id: exp.experiment_id,
          ...body,
        })
      ).model;
    const search = async (body: Record<string, unknown>) => {
      const page = await py3.searchLoggedModels(w, { experiment_ids: [exp.experiment_id], ...body });
      return (page.models ?? []).map((m) => m.info.name);
    };

    before(async () => {
      h = await backend.start();
      w = new Wire(h.send);
      exp = await py.setExperiment(w, "logged-models");
      run = await py.startRun(w, exp.experiment_id, "sweep", T0);
      for (const [name, lr, acc] of [
        ["lr-small", "0.01", 0.8],
        ["lr-mid", "0.1", 0.9],
        ["lr-big", "1.0", 0.7],
      ] as const) {
        models[name] = await create({ name, params: [{ key: "lr", value: lr }], tags: [{ key: "sweep", value: "1" }] });
        await py.logMetric(w, run.info.run_id, "acc", acc, T0, 0);
        await w.ok("POST", "/mlflow/runs/log-metric", {
          run_id: run.info.run_id,
          key: "acc",
          value: acc,
          timestamp: T0,
          model_id: models[name]?.info.model_id,
          dataset_name: "holdout",
        });
      }
    });
    after(() => h.close());

    test("search: filters on name, params, tags, metrics with datasets; order_by objects; pages", async () => {
      assert.deepEqual(await search({}), ["lr-big", "lr-mid", "lr-small"]);
      assert.deepEqual(await search({ filter: "params.lr = '0.1'" }), ["lr-mid"]);
      assert.deepEqual(await search({ filter: "name LIKE 'lr-%' AND tags.sweep = '1' AND metrics.acc >= 0.8" }), [
        "lr-mid",
        "lr-small",
      ]);
      assert.deepEqual(await search({ filter: "metrics.acc > 0", datasets: [{ dataset_name: "other" }] }), []);
      const ordered = { order_by: [{ field_name: "metrics.acc", ascending: false, dataset_name: "holdout" }] };
      assert.deepEqual(await search(ordered), ["lr-mid", "lr-small", "lr-big"]);
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await py3.searchLoggedModels(w, {
          experiment_ids: [exp.experiment_id],
          ...ordered,
          max_results: 2,
          ...(token ? { page_token: token } : {}),
        });
        seen.push(...(page.models ?? []).map((m) => m.info.name));
        token = page.next_page_token;
      } while (token);
      assert.deepEqual(seen, ["lr-mid", "lr-small", "lr-big"]);
    });

    test("search refusals are 400 INVALID_PARAMETER_VALUE naming what is wrong", async () => {
      const bad = async (body: Record<string, unknown>, message: RegExp) =>
        expectError(await w.post("/mlflow/logged-models/search", body), 400, "INVALID_PARAMETER_VALUE", message);
      const ids = { experiment_ids: [exp.experiment_id] };
      await bad({ ...ids, filter: "metrics.acc > 'high'" }, /numeric/);
      await bad({ ...ids, order_by: ["metrics.acc DESC"] }, /order_by/);
      await bad({ ...ids, order_by: [{ ascending: true }] }, /order_by\[0\]\.field_name/);
      await bad({ ...ids, order_by: [{ field_name: "tags.x" }] }, /order_by\[0\]/);
      await bad({ ...ids, datasets: [{ dataset_digest: "d" }] }, /datasets\[0\]\.dataset_name/);
      await bad({ ...ids, max_results: -1 }, /max_results/);
    });

    test("params: logged once, the same value again is fine, another value is refused", async () => {
      const id = models["lr-small"]?.info.model_id as string;
      const path = `/mlflow/logged-models/${id}/params`;
      assert.deepEqual(await w.ok("POST", path, { model_id: id, params: [{ key: "seed", value: "7" }] }), {});
      await w.ok("POST", path, { model_id: id, params: [{ key: "seed", value: "7" }] });
      expectError(
        await w.post(path, { params: [{ key: "seed", value: "8" }] }),
        400,
        "INVALID_PARAMETER_VALUE",
        /seed/,
      );
      const { data } = await py3.getLoggedModel(w, id);
      assert.deepEqual(data.params, [
        { key: "lr", value: "0.01" },
        { key: "seed", value: "7" },
      ]);
    });

    test("tags: set, delete by path, delete again is 404", async () => {
      const id = models["lr-mid"]?.info.model_id as string;
      await py3.setLoggedModelTags(w, id, [{ key: "stage", value: "candidate" }]);
      const path = `/mlflow/logged-models/${id}/tags/stage`;
      assert.deepEqual(await w.ok("DELETE", path, { model_id: id, tag_key: "stage" }), {});
      assert.deepEqual((await py3.getLoggedModel(w, id)).info.tags, [{ key: "sweep", value: "1" }]);
      expectError(await w.call("DELETE", path, {}), 404, "RESOURCE_DOES_NOT_EXIST", /stage/);
    });

    test("delete: the model is gone from get and search; deleting again is 404", async () => {
      const doomed = await create({ name: "doomed" });
      const path = `/mlflow/logged-models/${doomed.info.model_id}`;
      assert.deepEqual(await w.ok("DELETE", path, {}), {});
      expectError(await w.get(path), 404, "RESOURCE_DOES_NOT_EXIST", /doomed|m-/);
      expectError(await w.call("DELETE", path, {}), 404, "RESOURCE_DOES_NOT_EXIST");
      assert.deepEqual(await search({ filter: "name = 'doomed'" }), []);
    });

    test("unknown ids are 404 RESOURCE_DOES_NOT_EXIST on every route that names one", async () => {
      const base = `/mlflow/logged-models/${UNKNOWN}`;
      expectError(await w.get(base), 404, "RESOURCE_DOES_NOT_EXIST", new RegExp(UNKNOWN));
      expectError(await w.call("PATCH", base, { status: "LOGGED_MODEL_READY" }), 404, "RESOURCE_DOES_NOT_EXIST");
      expectError(await w.call("PATCH", `${base}/tags`, { tags: [] }), 404, "RESOURCE_DOES_NOT_EXIST");
      expectError(await w.post(`${base}/params`, { params: [] }), 404, "RESOURCE_DOES_NOT_EXIST");
      expectError(await w.get(`${base}/artifacts/directories`), 404, "RESOURCE_DOES_NOT_EXIST");
      const outputs = { run_id: run.info.run_id, models: [{ model_id: UNKNOWN, step: 0 }] };
      expectError(await w.post("/mlflow/runs/outputs", outputs), 404, "RESOURCE_DOES_NOT_EXIST");
      const metric = { run_id: run.info.run_id, key: "x", value: 1, timestamp: T0, model_id: UNKNOWN };
      expectError(await w.post("/mlflow/runs/log-metric", metric), 404, "RESOURCE_DOES_NOT_EXIST");
    });

    test("validation errors are 400 INVALID_PARAMETER_VALUE naming the field", async () => {
      const id = models["lr-big"]?.info.model_id as string;
      const bad = async (res: Promise<unknown>, field: RegExp) =>
        expectError((await res) as never, 400, "INVALID_PARAMETER_VALUE", field);
      await bad(w.post("/mlflow/logged-models", { name: "x" }), /experiment_id/);
      await bad(w.post("/mlflow/logged-models", { experiment_id: exp.experiment_id, name: "a.b" }), /name/);
      await bad(
        w.post("/mlflow/logged-models", { experiment_id: exp.experiment_id, params: [{ value: "1" }] }),
        /params\[0\]\.key/,
      );
      await bad(w.call("PATCH", `/mlflow/logged-models/${id}`, { status: "LOGGED_MODEL_PENDING" }), /status/);
      await bad(w.call("PATCH", `/mlflow/logged-models/${id}`, {}), /status/);
      await bad(w.call("PATCH", `/mlflow/logged-models/${id}/tags`, { tags: [{ key: 1 }] }), /tags\[0\]\.key/);
      await bad(w.post("/mlflow/runs/outputs", { models: [] }), /run_id/);
      await bad(
        w.post("/mlflow/runs/outputs", { run_id: run.info.run_id, models: [{ step: 1 }] }),
        /models\[0\]\.model_id/,
      );
      await bad(w.post("/mlflow/runs/log-inputs", { run_id: run.info.run_id, models: [{}] }), /models\[0\]\.model_id/);
      await bad(
        w.post("/mlflow/runs/log-batch", {
          run_id: run.info.run_id,
          metrics: [{ key: "k", value: 1, timestamp: 1, model_id: 5 }],
        }),
        /metrics\[0\]\.model_id/,
      );
    });

    test("the path's model id wins over one in the body", async () => {
      const id = models["lr-big"]?.info.model_id as string;
      const other = models["lr-small"]?.info.model_id as string;
      const res = await w.ok<{ model: LoggedModel }>("PATCH", `/mlflow/logged-models/${id}`, {
        model_id: other,
        status: "LOGGED_MODEL_UPLOAD_FAILED",
      });
      assert.equal(res.model.info.model_id, id);
      assert.equal((await py3.getLoggedModel(w, other)).info.status, "LOGGED_MODEL_PENDING");
    });
  });
}
