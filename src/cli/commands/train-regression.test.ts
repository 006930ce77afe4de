/** `modelworks train --task regression`: tracked, registered with a regression signature, served by predict, reproducible. */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { readAllBytes } from "../../core/fs/read-all.js";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import { connect } from "../cli-context.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";

describe("modelworks train --task regression (embedded store)", () => {
  let home: string;
  const run = async (...argv: string[]) => {
    const io = captureIo(home);
    const code = await main(argv, io);
    return { code, out: io.stdout.join("\n"), err: io.stderr.join("\n") };
  };

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-train-reg-"));
    assert.equal((await run("data", "add", TELCO_CSV, "--name", "telco")).code, 0);
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test("trains, logs rmse/mae/r2, registers a regression package that predict and reproduce use", async () => {
    const r = await run(
      "train",
      "--data",
      "telco",
      "--label",
      "tenure",
      "--task",
      "regression",
      "--param",
      "n_estimators=40",
      "--register",
      "tenure",
      "--json",
    );
    assert.equal(r.code, 0, r.err);
    const out = JSON.parse(r.out);
    assert.deepEqual(Object.keys(out.metrics).sort(), ["mae", "r2", "rmse"]);
    assert.ok(out.metrics.r2 > 0.8, JSON.stringify(out.metrics));
    assert.deepEqual(out.model, { name: "tenure", version: "1" });
    const conn = await connect({}, captureIo(home));
    try {
      const { run: tracked } = await conn.api.getRun({ run_id: out.run_id });
      const metrics = Object.fromEntries((tracked.data.metrics ?? []).map((m) => [m.key, m.value]));
      assert.equal(metrics.rmse, out.metrics.rmse);
      assert.equal(metrics.roc_auc, undefined);
      const params = Object.fromEntries((tracked.data.params ?? []).map((p) => [p.key, p.value]));
      assert.equal(params.objective, "reg:squarederror");
      const root = tracked.info.artifact_uri.replace("mlflow-artifacts:/", "");
      const { stream } = await conn.artifacts.get(`${root}/model/signature.json`);
      const signature = JSON.parse((await readAllBytes(stream)).toString("utf8"));
      assert.equal(signature.task, "regression");
      assert.equal(signature.label, "tenure");
      assert.equal(signature.positive_class, undefined);
    } finally {
      await conn.close();
    }
    const human = await run(
      "train",
      "--data",
      "telco",
      "--label",
      "tenure",
      "--task",
      "regression",
      "--param",
      "n_estimators=5",
    );
    assert.match(human.out, /^Run [0-9a-f]{32}: rmse \d+\.\d{4}, mae \d+\.\d{4}, r2 \d\.\d{4}$/m);

    const scored = join(home, "tenure.csv");
    const p = await run("predict", "tenure/1", TELCO_CSV, "--out", scored);
    assert.equal(p.code, 0, p.err);
    const lines = readFileSync(scored, "utf8").trimEnd().split("\n");
    assert.match(lines[0] as string, /,prediction$/);
    assert.ok(Number((lines[1] as string).split(",").at(-1)) > 0);

    const same = await run("runs", "reproduce", out.run_id, "--json");
    assert.equal(same.code, 0, same.err);
    assert.equal(JSON.parse(same.out).identical, true);
  });

  test("bad task settings fail before any run is created, naming the flag", async () => {
    const runsBefore = JSON.parse((await run("runs", "ls", "--json")).out).runs.length;
    const cases: [string[], RegExp][] = [
      [["--task", "ranking"], /--task must be binary or regression/],
      [["--task", "regression", "--algo", "linear"], /use --algo gbdt/],
      [["--task", "regression", "--positive", "Yes"], /no positive class/],
      [["--param", "objective=reg:squarederror"], /use --task regression/],
      [["--task", "regression", "--label", "Churn"], /regression target must be numeric/],
    ];
    for (const [args, re] of cases) {
      const label = args.includes("--label") ? [] : ["--label", "tenure"];
      const r = await run("train", "--data", "telco", ...label, ...args);
      assert.notEqual(r.code, 0, args.join(" "));
      assert.match(r.err, re, args.join(" "));
    }
    assert.equal(JSON.parse((await run("runs", "ls", "--json")).out).runs.length, runsBefore);
  });
});
