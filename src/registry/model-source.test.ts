/** Model version sources: only model packages inside the platform's artifact store. */
import assert from "node:assert/strict";
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import type { LoggedModel, LoggedModelInfo } from "../core/api/logged-model-entities.js";
import type { Run } from "../core/api/mlflow-entities.js";
import { isMwError, notFound } from "../core/errors.js";
import { LocalArtifactStore } from "../tracking/artifacts/local/local-artifact-store.js";
import type { ModelSourceDeps } from "./model-source.js";
import { checkModelSource, storePathOf } from "./model-source.js";

const RUN = "0123456789abcdef0123456789abcdef";
const ELSEWHERE = "fedcba9876543210fedcba9876543210";
const MODEL = "m-00112233445566778899aabbccddeeff";
const EMPTY_MODEL = "m-ffeeddccbbaa99887766554433221100";
const FAILED_MODEL = "m-0000000000000000000000000000dead";
const S3_MODEL = "m-00000000000000000000000000000053";

describe("model version sources", () => {
  let dir: string;
  let deps: ModelSourceDeps;
  before(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), "mw-model-source-")));
    const artifacts = new LocalArtifactStore(join(dir, "artifacts"));
    for (const folder of [`1/${RUN}/artifacts/model`, "evil/model", `1/${ELSEWHERE}/artifacts/model`]) {
      await artifacts.put(`${folder}/MLmodel`, Readable.from([Buffer.from("flavors: {}\n")]));
    }
    await artifacts.put(`1/${RUN}/artifacts/notes.txt`, Readable.from([Buffer.from("n")]));
    await mkdir(join(dir, "outside", "model"), { recursive: true });
    await writeFile(join(dir, "outside", "model", "MLmodel"), "flavors: {}\n");
    await symlink(join(dir, "outside", "model"), join(dir, "artifacts", "1", RUN, "artifacts", "link-out"));
    await artifacts.put(`1/models/${MODEL}/artifacts/MLmodel`, Readable.from([Buffer.from("flavors: {}\n")]));
    const loggedModels: Record<string, Partial<LoggedModelInfo>> = {
      [MODEL]: { artifact_uri: `mlflow-artifacts:/1/models/${MODEL}/artifacts`, source_run_id: RUN },
      [EMPTY_MODEL]: { artifact_uri: `mlflow-artifacts:/1/models/${EMPTY_MODEL}/artifacts` },
      [FAILED_MODEL]: { artifact_uri: "mlflow-artifacts:/1/x", status: "LOGGED_MODEL_UPLOAD_FAILED" },
      [S3_MODEL]: { artifact_uri: "s3://bucket/1/models/m/artifacts" },
    };
    const runs: Record<string, string> = {
      [RUN]: `mlflow-artifacts:/1/${RUN}/artifacts`,
      [ELSEWHERE]: `file://${join(dir, "outside")}`,
    };
    deps = {
      tracking: {
        getRun: async (id: string) => {
          const uri = runs[id];
          if (!uri) throw notFound(`Run '${id}' not found.`);
          return { info: { run_id: id, artifact_uri: uri } } as unknown as Run;
        },
        getLoggedModel: async (id: string) => {
          const info = loggedModels[id];
          if (!info) throw notFound(`Logged model with ID '${id}' not found.`);
          return { info: { model_id: id, status: "LOGGED_MODEL_READY", ...info }, data: {} } as LoggedModel;
        },
      },
      artifacts,
      localRoot: artifacts.root,
    };
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const refused = async (source: string, runId?: string, d = deps, modelId?: string) => {
    try {
      await checkModelSource(source, runId, d, modelId);
    } catch (e) {
      assert.ok(isMwError(e), String(e));
      assert.equal(e.code, "INVALID_PARAMETER_VALUE");
      assert.match(e.message, /parameter 'source'/);
      return e.message;
    }
    assert.fail(`${source} was accepted`);
  };

  test("mlflow-artifacts: package folders are accepted, with their canonical location", async () => {
    const want = { storageLocation: `mlflow-artifacts:/1/${RUN}/artifacts/model` };
    assert.deepEqual(await checkModelSource(`mlflow-artifacts:/1/${RUN}/artifacts/model`, RUN, deps), {
      ...want,
      runId: RUN,
    });
    assert.deepEqual(await checkModelSource(`mlflow-artifacts://h:5000/1/${RUN}/artifacts/model/`, "", deps), want);
    assert.deepEqual(await checkModelSource("mlflow-artifacts:/evil/model", undefined, deps), {
      storageLocation: "mlflow-artifacts:/evil/model",
    });
  });

  test("runs:/RUN/PATH resolves to the run's folder in the store", async () => {
    assert.deepEqual(await checkModelSource(`runs:/${RUN}/model`, undefined, deps), {
      storageLocation: `mlflow-artifacts:/1/${RUN}/artifacts/model`,
    });
    assert.match(await refused("runs:/nope/model"), /run 'nope' does not exist/);
    assert.match(await refused(`runs:/${ELSEWHERE}/model`), /not in this server's artifact store/);
  });

  test("a folder without MLmodel, the store root, or a bare experiment folder is refused", async () => {
    for (const source of [`mlflow-artifacts:/1/${RUN}/artifacts`, "mlflow-artifacts:/1", `runs:/${RUN}/nothing`]) {
      assert.match(await refused(source), /MLmodel is missing/, source);
    }
    assert.match(await refused("mlflow-artifacts:/"), /expected a model folder/);
    assert.match(await refused(`mlflow-artifacts:/1/${RUN}/artifacts/notes.txt`), /MLmodel is missing/);
  });

  test("other schemes and models:/ are refused", async () => {
    for (const source of [
      "s3://bucket/model",
      "https://evil.example/model",
      "models:/churn/1",
      "models:/m-123",
      "hdfs://x/y",
      "model",
    ]) {
      assert.match(await refused(source), /expected a model folder in this server's artifact store/, source);
    }
  });

  test("file: and absolute paths: only inside the run_id's artifact folder in the store", async () => {
    const inRun = join(dir, "artifacts", "1", RUN, "artifacts", "model");
    const want = { storageLocation: `mlflow-artifacts:/1/${RUN}/artifacts/model`, runId: RUN };
    assert.deepEqual(await checkModelSource(pathToFileURL(inRun).href, RUN, deps), want);
    assert.deepEqual(await checkModelSource(inRun, RUN, deps), want);
    const local = /a local path is accepted only inside the artifact folder of the run given as 'run_id'/;
    const cases: [string, string | undefined][] = [
      [inRun, undefined],
      [join(dir, "artifacts", "evil", "model"), RUN],
      [join(dir, "artifacts", "1", RUN, "artifacts", "link-out"), RUN],
      [join(dir, "outside", "model"), ELSEWHERE],
      ["file:///etc", RUN],
      ["/etc/passwd", RUN],
      ["/no/such/folder", RUN],
      ["file://otherhost/x", RUN],
    ];
    for (const [source, runId] of cases) assert.match(await refused(source, runId), local, source);
    const noLocalStore = { tracking: deps.tracking, artifacts: deps.artifacts };
    assert.match(await refused(inRun, RUN, noLocalStore), local);
  });

  test("traversal is refused before anything is looked up", async () => {
    assert.match(await refused("mlflow-artifacts:/1/../../etc"), /relative path references/);
    assert.match(await refused("mlflow-artifacts:/evil/model%2f..%2f..", RUN), /relative path references/);
  });

  test("models:/<logged model id> resolves to the logged model's artifacts, with its model id and source run", async () => {
    const want = {
      storageLocation: `mlflow-artifacts:/1/models/${MODEL}/artifacts`,
      modelId: MODEL,
      runId: RUN,
    };
    assert.deepEqual(await checkModelSource(`models:/${MODEL}`, undefined, deps, MODEL), want);
    assert.deepEqual(await checkModelSource(`models:/${MODEL}`, undefined, deps), want, "the id from the source");
    assert.deepEqual(await checkModelSource(`models:/${MODEL}/`, ELSEWHERE, deps), { ...want, runId: ELSEWHERE });
    // model_id with another source: the source's folder, the model's id and run.
    assert.deepEqual(await checkModelSource(`runs:/${RUN}/model`, undefined, deps, MODEL), {
      storageLocation: `mlflow-artifacts:/1/${RUN}/artifacts/model`,
      modelId: MODEL,
      runId: RUN,
    });
  });

  test("a logged model that is missing, failed, empty or outside the store is refused", async () => {
    const missing = "m-99999999999999999999999999999999";
    assert.match(await refused(`models:/${missing}`), new RegExp(`logged model '${missing}' does not exist`));
    assert.match(await refused(`models:/${FAILED_MODEL}`), /upload of logged model .* failed/);
    assert.match(await refused(`models:/${EMPTY_MODEL}`), /MLmodel is missing/);
    assert.match(await refused(`models:/${S3_MODEL}`), /not in this server's artifact store/);
    assert.match(
      await refused(`models:/${MODEL}`, undefined, deps, EMPTY_MODEL),
      /names logged model .* but 'model_id'/,
    );
    await assert.rejects(checkModelSource(`runs:/${RUN}/model`, undefined, deps, missing), (e) => {
      assert.ok(isMwError(e));
      assert.equal(e.code, "INVALID_PARAMETER_VALUE");
      assert.match(e.message, /'model_id': logged model .* does not exist/);
      return true;
    });
  });

  test("storePathOf reads only mlflow-artifacts locations", () => {
    assert.equal(storePathOf("mlflow-artifacts:/0/r/artifacts/model/"), "0/r/artifacts/model");
    assert.equal(storePathOf("mlflow-artifacts://host:1/0/r"), "0/r");
    assert.equal(storePathOf("mlflow-artifacts:/"), undefined);
    assert.equal(storePathOf("s3://b/0/r"), undefined);
    assert.equal(storePathOf("mlflow-artifacts:/a\\b"), undefined);
  });
});
