/**
 * Monitoring a model logged in MLflow's format (no `signature.json`, no packaged drift reference):
 * the inputs come from its MLmodel signature and the drift reference from the training dataset its
 * run logged, or from the dataset version the monitor names (`monitor set --reference`).
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { systemClock } from "../../core/clock.js";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import type { MonitorResult } from "../../monitoring/live/monitor.js";
import { toConfigInfo } from "../../monitoring/live/monitor-wire.js";
import { monitorConfig } from "../../monitoring/live/test-support/monitor-config.js";
import type { TelcoWorld } from "../../monitoring/live/test-support/telco-world.js";
import { logRequest, records, telcoWorld } from "../../monitoring/live/test-support/telco-world.js";
import { SKLEARN_FIXTURES } from "../../runtimes/python/test-support/fixtures.js";
import { datasetHandlers } from "../../server/platform/dataset-handlers.js";
import { DeploymentService } from "../../serving/deployments/deployment-service.js";
import { SqlDeploymentStore } from "../../serving/deployments/sql/sql-deployment-store.js";
import { platformConnection } from "../cli-context.js";
import { main } from "../main.js";
import { captureIo } from "../test-support/capture-io.js";
import { logModelFolder } from "./models-log.js";

/** The scikit-learn fixture's MLmodel signature: seven of the Telco columns. */
const INPUTS = [
  "tenure",
  "SeniorCitizen",
  "MonthlyCharges",
  "TotalCharges",
  "Contract",
  "InternetService",
  "PaperlessBilling",
];

describe("monitoring a model logged in MLflow's format", () => {
  let w: TelcoWorld;
  let version: string;

  const run = async (deployment: string, reference?: { name: string; version: number }) =>
    (await w.platform.monitoring.runConfig(monitorConfig(deployment, reference ? { reference } : {}))).results;
  const drifted = (r: MonitorResult) => r.features.filter((f) => f.drifted).map((f) => f.column);

  before(async () => {
    w = await telcoWorld();
    await w.platform.datasets.versions.addFile(TELCO_CSV, { name: "telco" });
    // The same customers 40 months later: tenure has drifted.
    const lines = readFileSync(TELCO_CSV, "utf8").trimEnd().split("\n");
    const tenure = lines[0]?.split(",").indexOf("tenure") as number;
    const shifted = lines.map((line, i) => {
      if (i === 0) return line;
      const cells = line.split(",");
      cells[tenure] = String(Number(cells[tenure]) + 40);
      return cells.join(",");
    });
    const shiftedCsv = join(w.home, "telco-later.csv");
    writeFileSync(shiftedCsv, `${shifted.join("\n")}\n`);
    await w.platform.datasets.versions.addFile(shiftedCsv, { name: "telco-later" });

    // Logged as `models log --training-data telco@1` does; the folder is not loaded here (no Python needed).
    const res = await logModelFolder(platformConnection(w.platform), join(SKLEARN_FIXTURES, "binary"), {
      name: "sk",
      runtimes: [],
      summary: { runtime: "python", kind: "binary", inputs: [] },
      logTrainingInput: async (runId) => {
        const handlers = datasetHandlers(w.platform.datasets, { tracking: w.platform.tracking });
        await handlers.logDatasetInput({ name: "telco", version: "1", run_id: runId, context: "training" });
      },
    });
    version = res.version;
    // Deployed without loading it (the monitor only reads what serving logged).
    const unchecked = new DeploymentService({
      store: new SqlDeploymentStore(w.platform.db, { clock: systemClock }),
      registry: w.platform.registry,
      clock: systemClock,
    });
    await unchecked.create({ name: "sk-prod", primary: `sk/${version}` });
    const rows = Array.from({ length: 600 }, (_, k) => (k * 11) % 7043);
    await logRequest(w, "sk-prod", { name: "sk", version }, records(w, rows), Date.now() - 60_000);
  });
  after(() => w.close());

  test("the inputs come from the MLmodel signature and the reference from the run's training dataset", async () => {
    const [r] = await run("sk-prod");
    assert.ok(r);
    assert.equal(r.error, undefined, r.error);
    assert.equal(r.reference, "dataset telco@1");
    assert.deepEqual(
      r.features.map((f) => f.column),
      INPUTS,
      "the model's inputs only (the dataset's other columns and the label left out)",
    );
    assert.equal(r.datasetDrift, false);
    assert.deepEqual(drifted(r), []);
  });

  test("a reference the monitor names replaces the model's own", async () => {
    const [r] = await run("sk-prod", { name: "telco-later", version: 1 });
    assert.ok(r);
    assert.equal(r.reference, "dataset telco-later@1");
    assert.deepEqual(drifted(r), ["tenure"]);
  });

  test("monitor set --reference pins the dataset version; unknown datasets are refused naming 'reference'", async () => {
    const config = await w.platform.monitoring.setConfig("sk-prod", { reference: "telco-later" });
    assert.deepEqual(config.reference, { name: "telco-later", version: 1 }, "the latest version, pinned");
    assert.equal(toConfigInfo(config).reference, "telco-later@1");
    const [r] = (await w.platform.monitoring.run("sk-prod")).results;
    assert.equal(r?.reference, "dataset telco-later@1");
    for (const bad of ["nope", "telco@9", ""]) {
      await assert.rejects(w.platform.monitoring.setConfig("sk-prod", { reference: bad }), {
        code: "INVALID_PARAMETER_VALUE",
        message: /'reference'/,
      });
    }

    const io = captureIo(w.home);
    const code = await main(["monitor", "set", "sk-prod", "--reference", "telco@1", "--json"], io);
    assert.equal(code, 0, io.stderr.join("\n"));
    assert.equal(JSON.parse(io.stdout.join("\n")).monitor.reference, "telco@1");
    const human = captureIo(w.home);
    assert.equal(await main(["monitor", "status", "sk-prod"], human), 0, human.stderr.join("\n"));
    assert.match(human.stdout.join("\n"), /drift reference: +dataset telco@1/);
  });
});
