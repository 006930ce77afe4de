import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parse as parseYaml } from "yaml";
import { resolveConfig } from "../../core/config.js";
import { syntheticDir } from "../../runtimes/lightgbm/test-support/synthetic-fixtures.js";
import { FIXTURES as ONNX_FIXTURES } from "../../runtimes/onnx/test-support/fixtures.js";
import { DEBIAN_PYTHON, SKLEARN_FIXTURES, sklearnSkipReason } from "../../runtimes/python/test-support/fixtures.js";
import { FIXTURES } from "../../runtimes/xgboost/test-support/fixtures.js";
import { openPlatform } from "../../server/open-platform.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";

describe("modelworks models log and import", () => {
  let home: string;
  const run = async (...argv: string[]) => {
    const io = captureIo(home);
    const code = await main(["models", ...argv], io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };
  const ok = async (...argv: string[]) => {
    const r = await run(...argv);
    assert.equal(r.code, 0, r.err);
    return r;
  };
  /** The stored MLmodel of a registered version, and its run. */
  const stored = async (name: string, version: string) => {
    const platform = await openPlatform(resolveConfig({ home }, {}, home));
    try {
      const mv = await platform.registry.getModelVersion({ name, version });
      const run = await platform.tracking.getRun(mv.run_id as string);
      const root = join(home, "artifacts", run.info.experiment_id, run.info.run_id, "artifacts", "model");
      const mlmodel = parseYaml(readFileSync(join(root, "MLmodel"), "utf8")) as Record<string, unknown>;
      return { mv, run, root, mlmodel, files: readdirSync(root).sort() };
    } finally {
      await platform.close();
    }
  };

  before(() => {
    home = mkdtempSync(join(tmpdir(), "mw-models-log-"));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test("log uploads an MLflow xgboost folder into a new run, records it as MLflow does, registers it", async () => {
    const r = await ok("log", join(FIXTURES, "binary-booster-xgb"), "--name", "bx", "--alias", "champion", "--json");
    const res = JSON.parse(r.out);
    assert.deepEqual(
      [res.name, res.version, res.alias, res.runtime, res.kind, res.inputs],
      ["bx", "1", "champion", "xgboost", "binary", 6],
    );
    const { mv, run, mlmodel, files } = await stored("bx", "1");
    assert.equal(mv.run_id, res.run_id);
    assert.equal(mv.source, `${run.info.artifact_uri}/model`);
    assert.equal(res.source, mv.source);
    assert.deepEqual(files, ["MLmodel", "model.xgb", "requirements.txt"]);
    assert.equal(mlmodel.run_id, res.run_id, "MLmodel names the run it was logged to");
    assert.equal(mlmodel.artifact_path, "model");
    assert.deepEqual(Object.keys(mlmodel.flavors as object).sort(), ["python_function", "xgboost"]);
    assert.equal(run.info.status, "FINISHED");
    const tags = new Map((run.data.tags ?? []).map((t) => [t.key, t.value]));
    assert.equal(tags.get("mlflow.source.name"), "modelworks models log");
    const history = JSON.parse(tags.get("mlflow.log-model.history") ?? "[]") as Record<string, unknown>[];
    assert.equal(history.length, 1);
    assert.equal(history[0]?.artifact_path, "model");
    assert.equal(history[0]?.signature, undefined, "the log-model record leaves the signature out, as MLflow's");
    const alias = await ok("show", "bx", "--json");
    assert.deepEqual(JSON.parse(alias.out).registered_model.aliases, [{ alias: "champion", version: "1" }]);
  });

  test("log --run-id logs into an existing run once; a second model there is refused", async () => {
    const first = JSON.parse((await ok("log", join(FIXTURES, "regression-ubj"), "--name", "reg", "--json")).out);
    const again = await run("log", join(FIXTURES, "regression-ubj"), "--name", "reg", "--run-id", first.run_id);
    assert.equal(again.code, 1);
    assert.match(again.err, /already has a model at 'model'/);

    const platform = await openPlatform(resolveConfig({ home }, {}, home));
    const fresh = await platform.tracking.createRun({ experimentId: "0" });
    await platform.close();
    const into = JSON.parse(
      (await ok("log", join(FIXTURES, "regression-ubj"), "--name", "reg", "--run-id", fresh.info.run_id, "--json")).out,
    );
    assert.equal(into.run_id, fresh.info.run_id);
    assert.equal(into.version, "2");
    assert.equal(into.kind, "regression");
    const { run: logged } = await stored("reg", "2");
    assert.equal(logged.info.status, "RUNNING", "an existing run's status is the caller's to end");
  });

  test("log --training-data records the dataset version as the run's training input", async () => {
    const csv = join(home, "train.csv");
    writeFileSync(csv, "age,income\n1,2\n3,4\n");
    const io = captureIo(home);
    assert.equal(await main(["data", "add", csv, "--name", "bx-train"], io), 0, io.stderr.join("\n"));
    await ok("log", join(FIXTURES, "binary-booster-xgb"), "--name", "bx-data", "--training-data", "bx-train@1");
    const { run } = await stored("bx-data", "1");
    const inputs = run.inputs.dataset_inputs ?? [];
    assert.deepEqual(
      inputs.map((i) => [i.dataset.source, i.tags?.find((t) => t.key === "mlflow.data.context")?.value]),
      [["modelworks-dataset:/bx-train/1", "training"]],
    );
  });

  test("log refuses a folder without MLmodel, a missing folder and flavors no runtime loads, registering nothing", async () => {
    const empty = join(home, "empty");
    mkdirSync(empty);
    const none = await run("log", empty, "--name", "bad");
    assert.equal(none.code, 1);
    assert.match(none.err, /Not a model folder: '.*empty\/MLmodel' is missing/);

    const missing = await run("log", join(home, "nope"), "--name", "bad");
    assert.equal(missing.code, 1);
    assert.match(missing.err, /Model folder '.*nope' does not exist/);

    const h2o = join(home, "h2o");
    mkdirSync(h2o);
    writeFileSync(join(h2o, "MLmodel"), "flavors:\n  h2o: {data: model.h2o}\n");
    const unknown = await run("log", h2o, "--name", "bad");
    assert.equal(unknown.code, 1);
    assert.match(
      unknown.err,
      /has flavors h2o; none of them can be loaded by the runtimes here \(native, xgboost, [a-z, ]*python\)/,
    );

    const corrupt = join(home, "corrupt");
    mkdirSync(corrupt);
    writeFileSync(join(corrupt, "MLmodel"), readFileSync(join(FIXTURES, "binary-booster-xgb", "MLmodel")));
    writeFileSync(join(corrupt, "model.xgb"), "garbage");
    const bad = await run("log", corrupt, "--name", "bad");
    assert.equal(bad.code, 1);
    assert.match(bad.err, /model\.xgb': wrong magic: not an XGBoost model/);

    const usage = await run("log", corrupt);
    assert.equal(usage.code, 2);
    assert.match(usage.err, /models log needs DIR and --name NAME/);
    assert.equal((await run("show", "bad")).code, 1, "nothing was registered");
  });

  test("import wraps an XGBoost file as MLflow would (format, wrapper class, signature from its feature names)", async () => {
    const file = join(FIXTURES, "binary-classifier-json", "model.json");
    const res = JSON.parse((await ok("import", file, "--flavor", "xgboost", "--name", "bxi", "--json")).out);
    assert.deepEqual([res.runtime, res.kind, res.inputs], ["xgboost", "binary", 7]);
    const { mlmodel, files, run } = await stored("bxi", "1");
    assert.deepEqual(files, ["MLmodel", "model.json"]);
    const flavors = mlmodel.flavors as Record<string, Record<string, unknown>>;
    assert.deepEqual(flavors.xgboost, {
      code: null,
      data: "model.json",
      model_class: "xgboost.sklearn.XGBClassifier",
      model_format: "json",
    });
    assert.deepEqual(flavors.python_function, { data: "model.json", loader_module: "mlflow.xgboost" });
    const inputs = JSON.parse((mlmodel.signature as { inputs: string }).inputs) as { name: string }[];
    assert.deepEqual(
      inputs.map((i) => i.name),
      ["age", "income", "tenure", "balance", "visits", "ratio", "member"],
    );
    assert.ok(run.data.tags?.some((t) => t.key === "mlflow.source.name" && t.value === "modelworks models import"));

    await ok("import", join(FIXTURES, "binary-booster-xgb", "model.xgb"), "--flavor", "xgboost", "--name", "bxi");
    const legacy = await stored("bxi", "2");
    assert.deepEqual(legacy.files, ["MLmodel", "model.xgb"]);
    const legacyFlavor = (legacy.mlmodel.flavors as Record<string, Record<string, unknown>>).xgboost;
    assert.deepEqual([legacyFlavor?.model_format, legacyFlavor?.model_class], ["xgb", "xgboost.core.Booster"]);
  });

  test("import --flavor onnx: a graph registered and loaded by the onnx runtime", async () => {
    const file = join(ONNX_FIXTURES, "tree-binary-zipmap", "model.onnx");
    const res = JSON.parse((await ok("import", file, "--flavor", "onnx", "--name", "onnx-m", "--json")).out);
    assert.deepEqual([res.runtime, res.kind], ["onnx", "binary"]);
    const { mlmodel, files } = await stored("onnx-m", "1");
    assert.deepEqual(files, ["MLmodel", "model.onnx"]);
    assert.deepEqual(Object.keys(mlmodel.flavors as object).sort(), ["onnx", "python_function"]);
  });

  test("import --flavor lightgbm: a text model registered and loaded by the lightgbm runtime; --out writes folders", async () => {
    const lgb = join(syntheticDir("binary"), "model.lgb");
    const res = JSON.parse((await ok("import", lgb, "--flavor", "lightgbm", "--name", "lgb", "--json")).out);
    assert.deepEqual([res.runtime, res.kind, res.inputs], ["lightgbm", "binary", 10]);
    const { mlmodel, files } = await stored("lgb", "1");
    assert.deepEqual(files, ["MLmodel", "model.lgb"]);
    const flavors = mlmodel.flavors as Record<string, Record<string, unknown>>;
    assert.deepEqual(flavors.lightgbm, { code: null, data: "model.lgb", model_class: "lightgbm.basic.Booster" });
    assert.deepEqual(flavors.python_function, { data: "model.lgb", loader_module: "mlflow.lightgbm" });
    // Without --input-example the model's own feature names become the signature, as for XGBoost.
    const inputs = JSON.parse((mlmodel.signature as { inputs: string }).inputs) as { name: string }[];
    assert.deepEqual(
      inputs.map((i) => i.name),
      Array.from({ length: 10 }, (_, i) => `Column_${i}`),
    );

    const out = join(home, "lgb-folder");
    await ok("import", lgb, "--flavor", "lightgbm", "--out", out);
    assert.deepEqual(readdirSync(out).sort(), ["MLmodel", "model.lgb"]);

    const onnx = join(home, "model.onnx");
    writeFileSync(onnx, Buffer.from([8, 7, 18, 4]));
    const onnxOut = join(home, "onnx-folder");
    await ok("import", onnx, "--flavor", "onnx", "--out", onnxOut);
    const onnxModel = parseYaml(readFileSync(join(onnxOut, "MLmodel"), "utf8")) as { flavors: Record<string, unknown> };
    assert.deepEqual(Object.keys(onnxModel.flavors).sort(), ["onnx", "python_function"]);

    // A truncated text model is refused before any folder is written or anything registered.
    const cut = join(home, "cut.txt");
    writeFileSync(cut, "tree\nversion=v3\nnum_class=1\n");
    const truncated = await run("import", cut, "--flavor", "lightgbm", "--name", "lgb");
    assert.equal(truncated.code, 1);
    assert.match(truncated.err, /cut\.txt': no trees \(truncated\?\): the file ends in its header/);
    const shown = JSON.parse((await ok("show", "lgb", "--json")).out) as { model_versions: unknown[] };
    assert.equal(shown.model_versions.length, 1, "nothing registered for the truncated file");
  });

  test("import refuses an unknown flavor, a missing file and a file that is not what --flavor says", async () => {
    const xgb = join(FIXTURES, "binary-booster-xgb", "model.xgb");
    const flavor = await run("import", xgb, "--flavor", "pytorch", "--name", "x");
    assert.equal(flavor.code, 1);
    assert.match(flavor.err, /--flavor must be one of xgboost, lightgbm, onnx, sklearn; got 'pytorch'/);
    const noFlavor = await run("import", xgb, "--name", "x");
    assert.match(noFlavor.err, /--flavor must be one of .*; got nothing/);

    const missing = await run("import", join(home, "gone.json"), "--flavor", "xgboost", "--name", "x");
    assert.equal(missing.code, 1);
    assert.match(missing.err, /Model file '.*gone\.json' does not exist/);

    const notLgb = await run("import", xgb, "--flavor", "lightgbm", "--name", "x");
    assert.match(notLgb.err, /model\.xgb': not a LightGBM text model/);
    const notXgb = join(home, "text.json");
    writeFileSync(notXgb, "hello");
    const wrong = await run("import", notXgb, "--flavor", "xgboost", "--name", "x");
    assert.match(wrong.err, /text\.json': wrong magic: not an XGBoost model/);
    const both = await run("import", xgb, "--flavor", "xgboost", "--out", join(home, "o"), "--name", "x");
    assert.equal(both.code, 2);
    assert.match(both.err, /--out writes the folder only; --name is for logging it/);
    const runAndExperiment = await run("log", home, "--name", "x", "--run-id", "r", "--experiment", "e");
    assert.match(runAndExperiment.err, /--experiment is for a new run; leave it out with --run-id/);
    const notEmpty = await run("import", xgb, "--flavor", "xgboost", "--out", home);
    assert.match(notEmpty.err, /--out '.*' is not empty/);
    assert.equal((await run("show", "x")).code, 1, "nothing was registered");
  });

  test("import --flavor sklearn: a pickle with an input example's signature, loaded by the Python workers", {
    skip: sklearnSkipReason(),
  }, async () => {
    const doc = JSON.parse(readFileSync(join(SKLEARN_FIXTURES, "binary.rows.json"), "utf8")) as {
      columns: Record<string, (number | string | null)[]>;
    };
    const names = Object.keys(doc.columns);
    const example = join(home, "example.csv");
    const rows = [0, 1, 2].map((r) => names.map((c) => doc.columns[c]?.[r] ?? "").join(","));
    writeFileSync(example, `${names.join(",")}\n${rows.join("\n")}\n`);
    const io = captureIo(home);
    io.env.MODELWORKS_PYTHON = DEBIAN_PYTHON;
    io.env.MODELWORKS_PYTHON_WORKERS = "1";
    const pkl = join(SKLEARN_FIXTURES, "binary", "model.pkl");
    const argv = [
      "models",
      "import",
      pkl,
      "--flavor",
      "sklearn",
      "--name",
      "ski",
      "--input-example",
      example,
      "--json",
    ];
    assert.equal(await main(argv, io), 0, io.stderr.join("\n"));
    const res = JSON.parse(io.stdout.join("\n"));
    assert.deepEqual([res.runtime, res.kind, res.inputs], ["python", "binary", 7]);
    const { mlmodel, files } = await stored("ski", "1");
    assert.deepEqual(files, ["MLmodel", "model.pkl"]);
    const flavors = mlmodel.flavors as Record<string, Record<string, unknown>>;
    assert.deepEqual(flavors.sklearn, { code: null, pickled_model: "model.pkl", serialization_format: "pickle" });
    assert.equal(flavors.python_function?.loader_module, "mlflow.sklearn");
    const inputs = JSON.parse((mlmodel.signature as { inputs: string }).inputs) as { name: string; type: string }[];
    assert.deepEqual(
      inputs.map((i) => `${i.name}:${i.type}`),
      [
        "tenure:long",
        "SeniorCitizen:long",
        "MonthlyCharges:double",
        "TotalCharges:double",
        "Contract:string",
        "InternetService:string",
        "PaperlessBilling:string",
      ],
    );
  });
});
