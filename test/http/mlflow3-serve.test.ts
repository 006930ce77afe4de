/**
 * End to end with the real processes: the MLflow 3 client's log_model + registration sequence
 * against a spawned `modelworks server`, then `modelworks serve m3@champion` answers /invocations
 * from the logged model's files, and `modelworks predict models:/m-…` scores by logged model id.
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../../src/cli/test-support/capture-io.js";
import { homeAuthorization, homeFetch } from "../../src/cli/test-support/home-auth.js";
import type { SpawnedCli } from "../../src/cli/test-support/spawn-cli.js";
import { spawnCli } from "../../src/cli/test-support/spawn-cli.js";
import type { LoggedModel } from "../../src/core/api/logged-model-entities.js";
import { TELCO_CSV } from "../../src/core/test-support/shared-data.js";
import { readTable } from "../../src/data/read-table.js";
import type { Table } from "../../src/data/table.js";
import { predictorFor } from "../../src/learn/package/load-model.js";
import type { ModelPackage } from "../../src/learn/package/model-package.js";
import { writeModelPackage } from "../../src/learn/package/model-package.js";
import { fitTelcoPackage, telcoRecord } from "../../src/learn/test-support/telco-models.js";
import { fetchTransport, Wire } from "./support/client.js";
import * as py from "./support/python-client.js";
import * as py3 from "./support/python3-client.js";

describe("MLflow 3 log_model + registration against `modelworks server`, served by `modelworks serve`", () => {
  let home: string;
  let server: SpawnedCli | undefined;
  let telco: Table;
  let pkg: ModelPackage;
  let model: LoggedModel;

  before(async () => {
    home = await mkdtemp(join(tmpdir(), "mw-mlflow3-serve-"));
    telco = await readTable(TELCO_CSV);
    pkg = await fitTelcoPackage(telco, 0, "linear");
    const dir = join(home, "pkg");
    const files: [string, string, Buffer][] = [];
    for (const f of await writeModelPackage(dir, pkg))
      files.push([f, "application/octet-stream", await readFile(join(dir, f))]);
    server = await spawnCli(["server", "--port", "0", "--json"], { MODELWORKS_HOME: home });
    const { url } = JSON.parse(server.firstLine) as { url: string };
    const w = new Wire(fetchTransport(url, homeAuthorization(home)));
    const exp = await py.setExperiment(w, "mlflow3-serve");
    const run = await py.startRun(w, exp.experiment_id, "train", Date.now());
    model = await py3.logModel(w, run, "model", files);
    const version = await py3.registerLoggedModel(w, model, "m3");
    assert.equal(version.model_id, model.info.model_id);
    await py.setAlias(w, "m3", "champion", version.version);
  });
  after(async () => {
    await server?.stop();
    await rm(home, { recursive: true, force: true });
  });

  test("serve m3@champion answers /invocations with the logged model's predictions", async () => {
    let serve: SpawnedCli | undefined;
    try {
      serve = await spawnCli(["serve", "m3@champion", "--port", "0", "--json"], { MODELWORKS_HOME: home });
      const { url } = JSON.parse(serve.firstLine) as { url: string };
      const records = [0, 1, 2].map((r) => telcoRecord(telco, r));
      const res = await homeFetch(home)(`${url}/invocations`, {
        method: "POST",
        body: JSON.stringify({ dataframe_records: records }),
        headers: { "content-type": "application/json" },
      });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(res.headers.get("x-modelworks-model"), "m3/1");
      const { predictions } = (await res.json()) as { predictions: { probability: number }[] };
      const want = [...predictorFor(pkg).predict(telco.slice(0, 3))];
      assert.deepEqual(
        predictions.map((p) => p.probability),
        want,
      );
    } finally {
      await serve?.stop();
    }
  });

  test("predict models:/m-… scores a file with the logged model named by id", async () => {
    const out = join(home, "scored.csv");
    const io = captureIo(home);
    const code = await main(["predict", `models:/${model.info.model_id}`, TELCO_CSV, "--out", out, "--json"], io);
    assert.equal(code, 0, io.stderr.join("\n"));
    const summary = JSON.parse(io.stdout.join("\n")) as { rows: number; model: string; version: string };
    assert.deepEqual([summary.rows, summary.model, summary.version], [telco.numRows, model.info.model_id, ""]);
  });
});
