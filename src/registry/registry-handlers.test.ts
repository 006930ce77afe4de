/** The registry route handlers: wire shapes (§1.3) and the Python client's call sequences (§3.2). */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, test } from "node:test";
import { mlflowRoutes } from "../core/api/mlflow-routes.js";
import { migrate } from "../core/db/migrate.js";
import { openSqlite } from "../core/db/sqlite/sqlite-database.js";
import { notFound } from "../core/errors.js";
import { JsonStream } from "../server/mlflow/handlers.js";
import { registryHandlers } from "../server/mlflow/registry-handlers.js";
import { LocalArtifactStore } from "../tracking/artifacts/local/local-artifact-store.js";
import { trackingMigrations } from "../tracking/migrations.js";
import { registryMigrations } from "./migrations.js";
import { SqlRegistryStore } from "./sql/sql-registry-store.js";
import { rejectsWith, TestClock } from "./sql/test-support/registry-backends.js";

/** A handler's response object (registry handlers never stream). */
async function body<T>(p: Promise<T | JsonStream>): Promise<T> {
  const r = await p;
  assert.ok(!(r instanceof JsonStream));
  return r;
}

describe("registry handlers", () => {
  let api: ReturnType<typeof registryHandlers>;
  let dir: string;
  beforeEach(async () => {
    const db = openSqlite(":memory:");
    await migrate(db, [...trackingMigrations, ...registryMigrations]);
    dir = await mkdtemp(join(tmpdir(), "mw-registry-handlers-"));
    const artifacts = new LocalArtifactStore(dir);
    // Sources must be model packages in the artifact store.
    for (const folder of ["0/r1/artifacts/model", "b/1", "b/2"]) {
      await artifacts.put(`${folder}/MLmodel`, Readable.from([Buffer.from("flavors: {}\n")]));
    }
    const tracking = {
      getRun: async (id: string) => {
        throw notFound(`Run '${id}' not found.`);
      },
      getLoggedModel: async (id: string) => {
        throw notFound(`Logged model with ID '${id}' not found.`);
      },
    };
    api = registryHandlers({ registry: new SqlRegistryStore(db, { clock: new TestClock() }), tracking, artifacts });
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test("cover exactly the registry routes of the route table", () => {
    const names = Object.keys(mlflowRoutes);
    const registry = names.slice(names.indexOf("createRegisteredModel"));
    assert.deepEqual(Object.keys(api).sort(), registry.sort());
  });

  test("register_model then load models:/name@alias (reference §3.2 items 7–9)", async () => {
    const { registered_model } = await body(api.createRegisteredModel({ name: "churn" }));
    assert.equal(registered_model.name, "churn");
    await rejectsWith(api.createRegisteredModel({ name: "churn" }), "RESOURCE_ALREADY_EXISTS");
    const source = "mlflow-artifacts:/0/r1/artifacts/model";
    const { model_version } = await body(
      api.createModelVersion({ name: "churn", source, run_id: "r1", tags: [{ key: "k" }] }),
    );
    assert.equal(model_version.version, "1");
    assert.equal(model_version.status, "READY");
    assert.deepEqual(model_version.tags, [{ key: "k", value: "" }]);
    assert.deepEqual(await api.setRegisteredModelAlias({ name: "churn", alias: "champion", version: "1" }), {});
    const byAlias = await body(api.getModelVersionByAlias({ name: "churn", alias: "champion" }));
    assert.equal(byAlias.model_version.version, "1");
    assert.deepEqual(await api.getModelVersionDownloadUri({ name: "churn", version: "1" }), { artifact_uri: source });
  });

  test("empty lists are omitted and next_page_token appears only while more remain", async () => {
    assert.deepEqual(await api.searchRegisteredModels({}), {});
    assert.deepEqual(await api.searchModelVersions({}), {});
    await api.createRegisteredModel({ name: "a" });
    await api.createRegisteredModel({ name: "b" });
    assert.deepEqual(await api.getLatestVersions({ name: "a" }), {});
    const first = await body(api.searchRegisteredModels({ max_results: 1 }));
    assert.deepEqual(
      first.registered_models?.map((m) => m.name),
      ["a"],
    );
    assert.ok(first.next_page_token);
    const second = await api.searchRegisteredModels({ max_results: 1, page_token: first.next_page_token });
    assert.deepEqual(Object.keys(second), ["registered_models"]);
  });

  test("stage transitions, renames and deletes answer as MLflow does", async () => {
    await api.createRegisteredModel({ name: "m", description: "d" });
    await api.createModelVersion({ name: "m", source: "mlflow-artifacts:/b/1" });
    await api.createModelVersion({ name: "m", source: "mlflow-artifacts:/b/2" });
    await api.transitionModelVersionStage({ name: "m", version: "1", stage: "Production" });
    const moved = await body(
      api.transitionModelVersionStage({
        name: "m",
        version: "2",
        stage: "Production",
        archive_existing_versions: true,
      }),
    );
    assert.equal(moved.model_version.current_stage, "Production");
    const latest = await body(api.getLatestVersions({ name: "m", stages: ["Production", "Archived"] }));
    assert.deepEqual(
      latest.model_versions?.map((v) => v.version),
      ["1", "2"],
    );
    const renamed = await body(api.renameRegisteredModel({ name: "m", new_name: "n" }));
    assert.equal(renamed.registered_model.name, "n");
    assert.deepEqual(await api.setModelVersionTag({ name: "n", version: "2", key: "k", value: "v" }), {});
    assert.deepEqual(await api.deleteModelVersionTag({ name: "n", version: "2", key: "k" }), {});
    assert.deepEqual(await api.setRegisteredModelTag({ name: "n", key: "k", value: "v" }), {});
    assert.deepEqual(await api.deleteRegisteredModelTag({ name: "n", key: "k" }), {});
    assert.deepEqual(await api.deleteRegisteredModelAlias({ name: "n", alias: "none" }), {});
    assert.deepEqual(await api.deleteModelVersion({ name: "n", version: "1" }), {});
    assert.deepEqual(await api.deleteRegisteredModel({ name: "n" }), {});
    await rejectsWith(api.getRegisteredModel({ name: "n" }), "RESOURCE_DOES_NOT_EXIST");
  });
});
