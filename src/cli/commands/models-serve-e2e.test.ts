/**
 * Bring your own model, end to end: `models log` MLflow 2.x folders (XGBoost's legacy binary format
 * and a scikit-learn pipeline), `deployments create` them, and a spawned `up` answers
 * `/invocations` with the frameworks' own predictions. Models that cannot load are refused by
 * `deployments create|update` and `rollout start`, in process and over HTTP.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { readMlModel, SKLEARN_FIXTURES, sklearnSkipReason } from "../../runtimes/python/test-support/fixtures.js";
import { FIXTURES, readExpected } from "../../runtimes/xgboost/test-support/fixtures.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";
import { homeFetch } from "../test-support/home-auth.js";
import type { SpawnedCli } from "../test-support/spawn-cli.js";
import { spawnCli } from "../test-support/spawn-cli.js";

const SKLEARN_SKIP = sklearnSkipReason();
const PYTHON = "/usr/bin/python3";

describe("models log → deployments create → up answers with the framework's predictions", () => {
  let home: string;
  let up: SpawnedCli | undefined;
  let url: string;
  const cli = async (...argv: string[]) => {
    const io = captureIo(home);
    io.env.MODELWORKS_PYTHON = PYTHON;
    io.env.MODELWORKS_PYTHON_WORKERS = "1";
    const code = await main(argv, io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };
  const ok = async (...argv: string[]) => {
    const r = await cli(...argv);
    assert.equal(r.code, 0, r.err);
    return r;
  };
  const invoke = async (deployment: string, body: unknown) => {
    const res = await homeFetch(home)(`${url}/deployments/${deployment}/invocations`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    return JSON.parse(text) as { predictions: { probability: number }[] };
  };

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-byom-"));
    await ok("models", "log", join(FIXTURES, "binary-booster-xgb"), "--name", "bank-xgb", "--alias", "champion");
    await ok("deployments", "create", "bx", "--model", "bank-xgb@champion");
    if (!SKLEARN_SKIP) {
      await ok("models", "log", join(SKLEARN_FIXTURES, "binary"), "--name", "bank-sk", "--alias", "champion");
      await ok("deployments", "create", "sk", "--model", "bank-sk@champion");
    }
    up = await spawnCli(["up", "--port", "0", "--json", "--sync-ms", "200"], {
      MODELWORKS_HOME: home,
      MODELWORKS_PYTHON: PYTHON,
      MODELWORKS_PYTHON_WORKERS: "1",
    });
    url = (JSON.parse(up.firstLine) as { url: string }).url;
  });
  after(async () => {
    await up?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  test("the XGBoost model logged from its MLflow folder answers as xgboost.predict does", async () => {
    const expected = readExpected("binary-booster-xgb");
    const res = await invoke("bx", { dataframe_split: { columns: expected.columns, data: expected.rows } });
    assert.equal(res.predictions.length, expected.rows.length);
    res.predictions.forEach((p, i) => {
      const want = expected.predictions[i] as number;
      assert.ok(Math.abs(p.probability - want) <= 1e-6, `row ${i}: ${p.probability} vs xgboost's ${want}`);
    });
  });

  test("the scikit-learn pipeline answers with its predict_proba", { skip: SKLEARN_SKIP }, async () => {
    const doc = JSON.parse(readFileSync(join(SKLEARN_FIXTURES, "binary.rows.json"), "utf8")) as {
      columns: Record<string, unknown[]>;
      expected: number[];
    };
    const inputs = (readMlModel(join(SKLEARN_FIXTURES, "binary")).signature?.inputs ?? []) as { name: string }[];
    const columns = inputs.map((i) => i.name);
    const data = doc.expected.map((_, r) => columns.map((c) => doc.columns[c]?.[r] ?? null));
    const res = await invoke("sk", { dataframe_split: { columns, data } });
    assert.equal(res.predictions.length, doc.expected.length);
    res.predictions.forEach((p, i) => {
      const want = doc.expected[i] as number;
      assert.ok(Math.abs(p.probability - want) <= 1e-9, `row ${i}: ${p.probability} vs scikit-learn's ${want}`);
    });
  });

  test("a version that cannot load is refused by deployments create|update and rollout start, with why", async () => {
    const logged = JSON.parse(
      (await ok("models", "log", join(FIXTURES, "regression-ubj"), "--name", "bank-xgb", "--json")).out,
    );
    // Its data file goes bad after it was registered (the registry only records where it is).
    const runRoot = join(home, "artifacts", "0", logged.run_id, "artifacts", "model");
    writeFileSync(join(runRoot, "model.ubj"), "");
    const reason =
      /Invalid value for 'primary': bank-xgb\/2 cannot be loaded: .*model\.ubj': the XGBoost model file is empty/;

    const created = await cli("deployments", "create", "broken", "--model", "bank-xgb/2");
    assert.equal(created.code, 1);
    assert.match(created.err, reason);
    const updated = await cli("deployments", "update", "bx", "--primary", "bank-xgb/2");
    assert.equal(updated.code, 1);
    assert.match(updated.err, reason);
    const rollout = await cli("rollout", "start", "bx", "--candidate", "bank-xgb/2");
    assert.equal(rollout.code, 1);
    assert.match(rollout.err, /Invalid value for 'candidate': bank-xgb\/2 cannot be loaded/);

    const api = (path: string, body: unknown) =>
      homeFetch(home)(`${url}/api/modelworks/v1${path}`, {
        method: "POST",
        body: JSON.stringify(body),
        headers: { "content-type": "application/json" },
      });
    const viaHttp = await api("/deployments", { name: "broken", primary: "bank-xgb/2" });
    assert.equal(viaHttp.status, 400);
    assert.match(((await viaHttp.json()) as { message: string }).message, reason);
    const rolloutHttp = await api("/deployments/bx/rollouts", { candidate: "bank-xgb/2" });
    assert.equal(rolloutHttp.status, 400);
    await rolloutHttp.arrayBuffer();
    const show = JSON.parse((await ok("deployments", "show", "bx", "--json")).out);
    assert.equal(show.deployment.primary, "bank-xgb@champion", "the deployment is unchanged");
    assert.equal(show.deployment.candidate, undefined);
  });
});
