import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { connect } from "./cli-context.js";
import { main } from "./main.js";
import { captureIo } from "./test-support/capture-io.js";

describe("modelworks CLI (embedded store)", () => {
  let home: string;
  let runId: string;

  before(async () => {
    home = mkdtempSync(join(tmpdir(), "mw-cli-"));
    const conn = await connect({}, captureIo(home));
    const { experiment_id } = await conn.api.createExperiment({ name: "cli-exp" });
    const { run } = await conn.api.createRun({ experiment_id, run_name: "cli-run" });
    runId = run.info.run_id;
    await conn.api.logBatch({
      run_id: runId,
      metrics: [{ key: "auc", value: 0.9, timestamp: 1, step: 0 }],
      params: [{ key: "algo", value: "gbdt" }],
    });
    await conn.api.createRegisteredModel({ name: "churn" });
    // A version's source must be a model package in the artifact store.
    await conn.artifacts.put(`1/${runId}/artifacts/model/MLmodel`, Readable.from([Buffer.from("flavors: {}\n")]));
    await conn.api.createModelVersion({
      name: "churn",
      source: `mlflow-artifacts:/1/${runId}/artifacts/model`,
      run_id: runId,
    });
    await conn.close();
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  test("help and unknown commands", async () => {
    const io = captureIo(home);
    assert.equal(await main(["--help"], io), 0);
    assert.match(io.stdout.join("\n"), /server/);
    assert.equal(await main(["runs", "--help"], io), 0);
    assert.equal(await main(["models", "--help"], io), 0);
    assert.equal(await main(["server", "--help"], io), 0);
    assert.equal(await main(["frobnicate"], io), 2);
    assert.match(io.stderr.join("\n"), /unknown command 'frobnicate'/);
  });

  test("runs ls and show, human and JSON", async () => {
    let io = captureIo(home);
    assert.equal(await main(["runs", "ls"], io), 0);
    assert.match(io.stdout.join("\n"), /cli-run/);
    io = captureIo(home);
    assert.equal(
      await main(["runs", "ls", "--experiment", "cli-exp", "--filter", "metrics.auc > 0.5", "--json"], io),
      0,
    );
    const listed = JSON.parse(io.stdout.join("\n"));
    assert.deepEqual(
      listed.runs.map((r: { info: { run_id: string } }) => r.info.run_id),
      [runId],
    );
    io = captureIo(home);
    assert.equal(await main(["runs", "show", runId, "--json"], io), 0);
    assert.equal(JSON.parse(io.stdout.join("\n")).info.run_name, "cli-run");
    io = captureIo(home);
    assert.equal(await main(["runs", "show", runId], io), 0);
    assert.match(io.stdout.join("\n"), /algo = gbdt/);
  });

  test("runs errors are one line and non-zero", async () => {
    let io = captureIo(home);
    assert.equal(await main(["runs", "show", "0123456789abcdef0123456789abcdef"], io), 1);
    assert.equal(io.stderr.length, 1);
    assert.match(io.stderr[0] as string, /RESOURCE_DOES_NOT_EXIST/);
    io = captureIo(home);
    assert.equal(await main(["runs", "ls", "--filter", "metrics.auc >"], io), 1);
    assert.match(io.stderr[0] as string, /INVALID_PARAMETER_VALUE/);
    io = captureIo(home);
    assert.notEqual(await main(["runs", "ls", "--max", "zero"], io), 0);
    assert.match(io.stderr[0] as string, /--max/);
  });

  test("models ls, show and alias", async () => {
    let io = captureIo(home);
    assert.equal(await main(["models", "alias", "churn", "champion", "1", "--json"], io), 0);
    assert.deepEqual(JSON.parse(io.stdout.join("")), { name: "churn", alias: "champion", version: "1" });
    io = captureIo(home);
    assert.equal(await main(["models", "ls", "--json"], io), 0);
    const models = JSON.parse(io.stdout.join("\n")).registered_models;
    assert.deepEqual(models[0].aliases, [{ alias: "champion", version: "1" }]);
    io = captureIo(home);
    assert.equal(await main(["models", "show", "churn"], io), 0);
    assert.match(io.stdout.join("\n"), /champion/);
    io = captureIo(home);
    assert.equal(await main(["models", "alias", "churn", "champion", "9"], io), 1);
    assert.match(io.stderr[0] as string, /version=9/);
    io = captureIo(home);
    assert.equal(await main(["models", "alias", "churn"], io), 2);
  });
});
