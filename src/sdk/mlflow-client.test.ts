import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { resolveConfig } from "../core/config.js";
import { buildApp } from "../server/app.js";
import { AUTH_OFF } from "../server/auth/auth-gate.js";
import type { Platform } from "../server/open-platform.js";
import { openPlatform } from "../server/open-platform.js";
import type { MlflowApi } from "./mlflow-client.js";
import { createMlflowClient, MlflowApiError, toQuery } from "./mlflow-client.js";

describe("SDK against a listening server", () => {
  let home: string;
  let platform: Platform;
  let app: FastifyInstance;
  let api: MlflowApi;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-sdk-"));
    platform = await openPlatform(resolveConfig({ home }, {}, home));
    app = await buildApp({ ...platform, auth: AUTH_OFF, version: "test" });
    const url = await app.listen({ host: "127.0.0.1", port: 0 });
    api = createMlflowClient({ baseUrl: url });
  });
  after(async () => {
    await app.close();
    await platform.close();
    rmSync(home, { recursive: true, force: true });
  });

  test("repeated query keys for arrays", () => {
    assert.equal(
      toQuery({ run_ids: ["a", "b"], metric_key: "m", skip: undefined }),
      "run_ids=a&run_ids=b&metric_key=m",
    );
  });

  test("a round trip over every kind of method (GET query, POST, PATCH and DELETE bodies)", async () => {
    const { experiment_id } = await api.createExperiment({ name: "sdk" });
    const { run } = await api.createRun({ experiment_id, run_name: "r" });
    await api.logBatch({
      run_id: run.info.run_id,
      metrics: [
        { key: "m", value: 1, timestamp: 1, step: 0 },
        { key: "m", value: Number.NaN, timestamp: 2, step: 1 },
      ],
    });
    const hist = await api.getMetricHistory({ run_id: run.info.run_id, metric_key: "m" });
    assert.deepEqual(
      hist.metrics?.map((m) => m.value),
      [1, "NaN"],
    );
    const bulk = await api.getMetricHistoryBulkInterval({
      run_ids: [run.info.run_id],
      metric_key: "m",
      max_results: 10,
    });
    assert.equal(bulk.metrics?.length, 2);
    await api.createRegisteredModel({ name: "sdk-model" });
    await api.updateRegisteredModel({ name: "sdk-model", description: "d" });
    assert.equal((await api.getRegisteredModel({ name: "sdk-model" })).registered_model.description, "d");
    await api.deleteRegisteredModel({ name: "sdk-model" });
    await assert.rejects(api.getRegisteredModel({ name: "sdk-model" }), (e) => {
      assert.ok(e instanceof MlflowApiError);
      assert.equal(e.code, "RESOURCE_DOES_NOT_EXIST");
      assert.equal(e.httpStatus, 404);
      return true;
    });
  });

  test("logged models: path parameters are filled in", async () => {
    const { experiment_id } = await api.createExperiment({ name: "sdk-lm" });
    const { model } = await api.createLoggedModel({ experiment_id, name: "m" });
    const id = model.info.model_id;
    await api.setLoggedModelTags({ model_id: id, tags: [{ key: "k", value: "v" }] });
    await api.finalizeLoggedModel({ model_id: id, status: "LOGGED_MODEL_READY" });
    const got = await api.getLoggedModel({ model_id: id });
    assert.equal(got.model.info.status, "LOGGED_MODEL_READY");
    assert.deepEqual(got.model.info.tags, [{ key: "k", value: "v" }]);
    await api.deleteLoggedModelTag({ model_id: id, tag_key: "k" });
    assert.equal((await api.getLoggedModel({ model_id: id })).model.info.tags, undefined);
  });
});
