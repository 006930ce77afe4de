/**
 * Registering an MLflow 3 logged model (`model-versions/create` with `model_id` or a `models:/m-…`
 * source) needs EDIT on the registered model and READ on the logged model's experiment: a user who
 * may not read an experiment cannot copy its models into a registered model they manage.
 */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import type { SecureApp } from "./support/secure-app.js";
import { addUser, startSecureApp } from "./support/secure-app.js";

describe("registering a logged model needs read on its experiment", () => {
  let s: SecureApp;
  let bob: string;
  let modelId: string;
  let experimentId: string;

  const create = (body: Record<string, unknown>) =>
    s.app.inject({
      method: "POST",
      url: "/api/2.0/mlflow/model-versions/create",
      headers: { authorization: bob, "content-type": "application/json" },
      payload: JSON.stringify({ name: "bobs-model", ...body }),
    });

  before(async () => {
    s = await startSecureApp({ defaultPermission: "none" });
    bob = await addUser(s, "bob");
    const { tracking, artifacts, authService } = s.platform;
    experimentId = await tracking.createExperiment({ name: "private" });
    const { info } = await tracking.createLoggedModel({ experimentId, name: "model" });
    modelId = info.model_id;
    const root = info.artifact_uri.replace(/^mlflow-artifacts:\//, "");
    await artifacts.put(`${root}/MLmodel`, Readable.from([Buffer.from("flavors: {}\n")]));
    await tracking.finalizeLoggedModel(modelId, "LOGGED_MODEL_READY");
    await s.platform.registry.createRegisteredModel({ name: "bobs-model" });
    const user = await authService.getUser("bob");
    await authService.setGrant({
      resourceType: "registered_model",
      resourceId: "bobs-model",
      userId: user.id,
      permission: "manage",
    });
  });
  after(() => s.close());

  test("without read on the experiment: 403, by model_id or by source alone, and nothing is registered", async () => {
    for (const body of [{ source: `models:/${modelId}`, model_id: modelId }, { source: `models:/${modelId}` }]) {
      const res = await create(body);
      assert.equal(res.statusCode, 403, res.body);
      assert.match(res.json().message, new RegExp(`READ on experiment '${experimentId}'`));
    }
    assert.equal((await s.platform.registry.searchModelVersions({})).items.length, 0);
  });

  test("an unknown logged model is 404 naming it, before anything else", async () => {
    const missing = "m-99999999999999999999999999999999";
    const res = await create({ source: `models:/${missing}`, model_id: missing });
    assert.equal(res.statusCode, 404, res.body);
    assert.match(res.json().message, new RegExp(missing));
  });

  test("with read on the experiment the version is created from the logged model", async () => {
    const user = await s.platform.authService.getUser("bob");
    await s.platform.authService.setGrant({
      resourceType: "experiment",
      resourceId: experimentId,
      userId: user.id,
      permission: "read",
    });
    const res = await create({ source: `models:/${modelId}`, model_id: modelId });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().model_version.model_id, modelId);
  });
});
