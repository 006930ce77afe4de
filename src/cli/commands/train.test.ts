import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { connect } from "../cli-context.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";

const TELCO = TELCO_CSV;

describe("modelworks train (embedded store)", () => {
  let home: string;
  const run = async (...argv: string[]) => {
    const io = captureIo(home);
    const code = await main(argv, io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-train-"));
    assert.equal((await run("data", "add", TELCO, "--name", "telco", "--label", "Churn")).code, 0);
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test("trains on a dataset version, tracks everything and registers the model", async () => {
    const r = await run(
      "train",
      "--data",
      "telco",
      "--label",
      "Churn",
      "--experiment",
      "churn",
      "--register",
      "churn",
      "--param",
      "max_depth=3",
      "--param",
      "learning_rate=0.05",
      "--seed",
      "1",
      "--json",
    );
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out);
    assert.deepEqual(out.model, { name: "churn", version: "1" });
    assert.ok(out.metrics.roc_auc >= 0.84, `roc_auc ${out.metrics.roc_auc}`);
    for (const k of ["pr_auc", "log_loss", "brier", "f1", "best_f1_threshold"])
      assert.equal(typeof out.metrics[k], "number", k);

    const conn = await connect({}, captureIo(home));
    try {
      const { run: tracked } = await conn.api.getRun({ run_id: out.run_id });
      assert.equal(tracked.info.status, "FINISHED");
      const params = Object.fromEntries((tracked.data.params ?? []).map((p) => [p.key, p.value]));
      assert.equal(params.algo, "gbdt");
      assert.equal(params.max_depth, "3");
      assert.equal(params.data, "telco@1");
      const tags = Object.fromEntries((tracked.data.tags ?? []).map((t) => [t.key, t.value]));
      assert.match(tags["modelworks.data_digest"] ?? "", /^[0-9a-f]{64}$/);
      assert.equal(tags["modelworks.seed"], "1");
      assert.match(tags["modelworks.lockfile_digest"] ?? "", /^[0-9a-f]{64}$/);
      assert.ok(tags["mlflow.log-model.history"]);
      assert.equal(tracked.inputs.dataset_inputs?.[0]?.dataset.source, "modelworks-dataset:/telco/1");
      const history = await conn.api.getMetricHistory({ run_id: out.run_id, metric_key: "train_loss" });
      assert.equal(history.metrics?.length, 200);
      const listed = await conn.api.listArtifacts({ run_id: out.run_id, path: "model" });
      const files = (listed.files ?? []).map((f) => f.path).sort();
      assert.deepEqual(files, [
        "model/MLmodel",
        "model/drift-reference.json",
        "model/model.json",
        "model/preprocessor.json",
        "model/reference-profile.json",
        "model/signature.json",
      ]);
      const top = (await conn.api.listArtifacts({ run_id: out.run_id })).files?.map((f) => f.path).sort();
      assert.deepEqual(top, ["evaluation.json", "feature_importance.json", "model"]);
      const version = await conn.api.getModelVersion({ name: "churn", version: "1" });
      assert.equal(version.model_version.run_id, out.run_id);
    } finally {
      await conn.close();
    }
  });

  test("predict batch-scores a file with the registered model", async () => {
    assert.equal((await run("models", "alias", "churn", "champion", "1")).code, 0);
    const out = join(home, "scored.csv");
    const r = await run("predict", "churn@champion", TELCO, "--out", out, "--json");
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).rows, 7043);
    const lines = (await import("node:fs")).readFileSync(out, "utf8").trimEnd().split("\n");
    assert.equal(lines.length, 7044);
    assert.match(lines[0] as string, /,probability,label$/);
    assert.match(lines[1] as string, /,0\.\d+,(Yes|No)$/);
    assert.equal((await run("predict", "churn@nope", TELCO, "--out", out)).code, 1);
    assert.equal((await run("predict", "churn@champion", TELCO)).code, 2);
  });

  test("logistic regression from a file with a separate evaluation file", async () => {
    const lines = (await import("node:fs")).readFileSync(TELCO, "utf8").trimEnd().split("\n");
    const dir = mkdtempSync(join(tmpdir(), "mw-train-files-"));
    const trainFile = join(dir, "train.csv");
    const evalFile = join(dir, "eval.csv");
    writeFileSync(trainFile, `${lines.slice(0, 5001).join("\n")}\n`);
    writeFileSync(evalFile, `${[lines[0], ...lines.slice(5001)].join("\n")}\n`);
    const r = await run(
      "train",
      "--data",
      trainFile,
      "--eval",
      evalFile,
      "--label",
      "Churn",
      "--algo",
      "linear",
      "--json",
    );
    rmSync(dir, { recursive: true, force: true });
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out);
    assert.equal(out.model, null);
    assert.ok(out.metrics.roc_auc > 0.8);
  });

  test("runs reproduce re-fits a run to identical bytes, and names what differs after tampering", async () => {
    const trained = await run(
      "train",
      "--data",
      "telco",
      "--label",
      "Churn",
      "--param",
      "n_estimators=30",
      "--seed",
      "7",
      "--json",
    );
    assert.equal(trained.code, 0, trained.err);
    const runId = JSON.parse(trained.out).run_id as string;
    const same = await run("runs", "reproduce", runId, "--json");
    assert.equal(same.code, 0, same.err);
    const report = JSON.parse(same.out);
    assert.equal(report.identical, true);
    assert.ok(report.files.length >= 4 && report.files.every((f: { identical: boolean }) => f.identical));
    const conn = await connect({}, captureIo(home));
    try {
      const { run: r } = await conn.api.getRun({ run_id: runId });
      const root = r.info.artifact_uri.replace("mlflow-artifacts:/", "");
      await conn.artifacts.put(`${root}/model/model.json`, Readable.from([Buffer.from("{}\n")]));
    } finally {
      await conn.close();
    }
    const differs = await run("runs", "reproduce", runId);
    assert.equal(differs.code, 1);
    assert.match(differs.out, /file model\.json differs/);
    const notTrain = await run("runs", "reproduce", "0123456789abcdef0123456789abcdef");
    assert.equal(notTrain.code, 1);
  });

  test("bad input fails before any run is created", async () => {
    const runsBefore = JSON.parse((await run("runs", "ls", "--json")).out).runs.length;
    const cases: [string[], RegExp][] = [
      [["--data", "telco", "--label", "tenure"], /distinct values/],
      [["--data", "telco", "--label", "gender", "--param", "learning_rate=x"], /learning_rate/],
      [["--data", "telco", "--label", "Churn", "--param", "depth=3"], /Unknown parameter 'depth'/],
      [["--data", "telco", "--label", "Nope"], /'Nope' is not in the data/],
      [["--data", "nope", "--label", "Churn"], /RESOURCE_DOES_NOT_EXIST/],
      [["--data", "telco", "--label", "Churn", "--algo", "forest"], /--algo/],
    ];
    for (const [args, re] of cases) {
      const r = await run("train", ...args);
      assert.notEqual(r.code, 0, args.join(" "));
      assert.match(r.err, re);
    }
    assert.equal(JSON.parse((await run("runs", "ls", "--json")).out).runs.length, runsBefore);
  });
});

describe("modelworks models import-xgboost", () => {
  let home: string;
  before(() => {
    home = mkdtempSync(join(tmpdir(), "mw-xgb-"));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test("registers an XGBoost JSON model whose package predicts like xgboost", async () => {
    const io = captureIo(home);
    const code = await main(
      [
        "models",
        "import-xgboost",
        join(process.cwd(), "test-fixtures/xgboost/binary.model.json"),
        "--name",
        "xgb",
        "--json",
      ],
      io,
    );
    assert.equal(code, 0, io.stderr.join("\n"));
    const res = JSON.parse(io.stdout.join("\n"));
    assert.equal(res.version, "1");
    assert.equal(res.objective, "binary:logistic");
    const conn = await connect({}, captureIo(home));
    try {
      const uri = (await conn.api.getModelVersionDownloadUri({ name: "xgb", version: "1" })).artifact_uri;
      assert.match(uri, /^mlflow-artifacts:\/0\/[0-9a-f]{32}\/artifacts\/model$/);
      const files = (await conn.api.listArtifacts({ run_id: res.run_id, path: "model" })).files?.map((f) => f.path);
      assert.ok(files?.includes("model/MLmodel"));
    } finally {
      await conn.close();
    }
    const bad = captureIo(home);
    assert.equal(await main(["models", "import-xgboost", "package.json", "--name", "x"], bad), 1);
    assert.match(bad.stderr.join("\n"), /INVALID_PARAMETER_VALUE/);
  });
});
