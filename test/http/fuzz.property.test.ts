/**
 * Random requests against every MLflow route (both prefixes, every method) and the proxied
 * artifact API: nothing may answer 5xx, errors keep MLflow's shape, and the server stays up.
 * Replay a failure with MODELWORKS_FUZZ_SEED=<seed printed in the test name and the error>.
 */
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import type { HttpRequest, Transport } from "./support/client.js";
import { isObject, Wire } from "./support/client.js";
import type { Known, RouteSpec } from "./support/fuzz-arbitraries.js";
import { artifactRequest, platformRequest, ROUTES, routeRequest } from "./support/fuzz-arbitraries.js";
import type { Harness } from "./support/harness.js";
import { startHarness } from "./support/harness.js";
import * as py from "./support/python-client.js";
import * as py3 from "./support/python3-client.js";
import { rawTransport } from "./support/raw-http.js";

const SEED = Number(process.env.MODELWORKS_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const NUM_RUNS = Number(process.env.MODELWORKS_FUZZ_RUNS ?? 200);
const T0 = 1_700_000_000_000;
const OPTIONS = { seed: SEED, numRuns: NUM_RUNS, includeErrorInReport: true };

const FAMILIES: [string, (r: RouteSpec) => boolean][] = [
  ["experiments", (r) => r.path.startsWith("/mlflow/experiments")],
  ["runs", (r) => r.path.startsWith("/mlflow/runs")],
  ["metrics and artifacts/list", (r) => /^\/mlflow\/(metrics|artifacts)\//.test(r.path)],
  ["registered models", (r) => r.path.startsWith("/mlflow/registered-models")],
  ["model versions", (r) => r.path.startsWith("/mlflow/model-versions")],
  ["logged models", (r) => r.path.startsWith("/mlflow/logged-models")],
];

describe(`fuzzing the HTTP API (seed ${SEED})`, () => {
  let h: Harness;
  let send: Transport;
  let known: Known;

  before(async () => {
    h = await startHarness();
    await h.app.listen({ host: "127.0.0.1", port: 0 });
    send = rawTransport((h.app.server.address() as AddressInfo).port);
    const w = new Wire(send);
    const exp = await py.setExperiment(w, "fuzz");
    const run = await py.startRun(w, exp.experiment_id, "fuzz-run", T0);
    const id = run.info.run_id;
    await py.logBatch(w, id, {
      metrics: [{ key: "loss", value: 1, timestamp: T0, step: 1 }],
      params: [{ key: "lr", value: "0.1" }],
    });
    await py.logArtifact(w, id, "model/MLmodel", Buffer.from("flavors: {}\n"), "application/octet-stream");
    await py.registerModel(w, id, "model", "m");
    const logged = await py3.logModel(w, run, "fuzz-model");
    const modelId = logged.info.model_id;
    await py.setAlias(w, "m", "champion", "1");
    const root = `${exp.experiment_id}/${id}/artifacts`;
    const dataset = await send({
      method: "POST",
      url: "/api/modelworks/v1/datasets?name=fuzz-ds",
      headers: { "content-type": "text/csv" },
      body: "a,b,c\n1,x,2.5\n2,y,\n3,x,1.5\n",
    });
    assert.equal(dataset.status, 200, dataset.text);
    known = {
      strings: [
        exp.experiment_id,
        id,
        "m",
        "champion",
        "loss",
        "lr",
        "model",
        root,
        `${root}/model`,
        modelId,
        `models:/${modelId}`,
        "FINISHED",
        "fuzz-ds",
      ],
      hints: {
        experiment_id: exp.experiment_id,
        experiment_ids: [exp.experiment_id],
        run_id: id,
        run_uuid: id,
        run_ids: [id],
        model_id: modelId,
        tag_key: "mlflow.source.type",
        models: [{ model_id: modelId, step: 0 }],
        name: "m",
        version: "1",
        alias: "champion",
        key: "loss",
        metric_key: "loss",
        value: "0.5",
        timestamp: T0,
        stage: "Production",
        status: "FINISHED",
        path: "model",
        source: `mlflow-artifacts:/${root}/model`,
        metrics: [{ key: "loss", value: 2, timestamp: T0 }],
        params: [{ key: "p", value: "1" }],
        tags: [{ key: "t", value: "1" }],
      },
    };
  });
  after(() => h.close());

  async function expectSane(req: HttpRequest): Promise<void> {
    const res = await send(req);
    const what = `${req.method} ${req.url} [${req.headers?.["content-type"]}] → ${res.status} ${res.text.slice(0, 300)}`;
    // MLflow's documented answer for the multipart and presigned routes a server does not offer.
    const unsupported = /\/mlflow-artifacts\/(mpu|presigned)\//.test(req.url) && res.status === 501;
    assert.ok(res.status < 500 || unsupported, what);
    if (res.status >= 400) {
      const err = res.json as { error_code?: unknown; message?: unknown };
      assert.ok(isObject(err) && typeof err.error_code === "string" && typeof err.message === "string", what);
    } else if (!/\/mlflow-artifacts\/artifacts\/./.test(req.url) || req.method !== "GET") {
      assert.ok(isObject(res.json), `success without a JSON object: ${what}`);
    }
  }

  async function expectAlive(): Promise<void> {
    const health = await send({ method: "GET", url: "/health" });
    assert.equal(health.status, 200);
    assert.equal(health.text, "OK");
  }

  test("the families cover every route", () => {
    const uncovered = ROUTES.filter((r) => !FAMILIES.some(([, inFamily]) => inFamily(r))).map((r) => r.name);
    assert.deepEqual(uncovered, []);
  });

  for (const [family, inFamily] of FAMILIES) {
    test(`${family}: random bodies, content types and queries never 5xx`, async () => {
      const routes = ROUTES.filter(inFamily);
      const prop = fc.asyncProperty(routeRequest(routes, known), expectSane);
      await fc.assert(prop, OPTIONS);
      await expectAlive();
    });
  }

  test("platform API: random paths, methods, bodies and queries never 5xx", async () => {
    await fc.assert(fc.asyncProperty(platformRequest(known), expectSane), OPTIONS);
    await expectAlive();
    assert.deepEqual(await readdir(h.root), ["home"]);
  });

  test("proxied artifact API: random paths, methods and bodies never 5xx nor escape the root", async () => {
    await fc.assert(fc.asyncProperty(artifactRequest(known), expectSane), OPTIONS);
    await expectAlive();
    assert.deepEqual(await readdir(h.root), ["home"]);
  });
});
