/**
 * The monitor job on real data: a GBDT churn model on the Telco table, its predictions logged as
 * serving logs them. Unshifted rows do not drift; rows with `tenure` shifted drift on tenure; the
 * outcomes sent as feedback give the realized AUC, and flipped outcomes are concept drift.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, test } from "node:test";
import { TELCO_CSV } from "../../core/test-support/shared-data.js";
import type { MonitorConfig, MonitorResult } from "./monitor.js";
import { monitorConfig } from "./test-support/monitor-config.js";
import type { TelcoWorld } from "./test-support/telco-world.js";
import { logRequest, records, registerTelco, sendOutcomes, telcoWorld } from "./test-support/telco-world.js";

const HOUR = 3_600_000;

/** Rows 0, 7, 14, ... (a spread over the table). */
function spread(n: number, offset = 0): number[] {
  return Array.from({ length: n }, (_, k) => (offset + k * 7) % 7043);
}

describe("monitor job on the Telco churn model", () => {
  let w: TelcoWorld;
  let v1: string;

  const run = async (deployment: string, overrides: Partial<MonitorConfig> = {}): Promise<MonitorResult[]> =>
    (await w.platform.monitoring.runConfig(monitorConfig(deployment, overrides))).results;
  const feature = (r: MonitorResult, column: string) => {
    const f = r.features.find((x) => x.column === column);
    assert.ok(f, `no verdict for ${column}: ${JSON.stringify(r.features.map((x) => x.column))}`);
    return f;
  };

  before(async () => {
    // The shared data folder is a --data-root: a run's training file is read only from such folders.
    w = await telcoWorld([dirname(TELCO_CSV)]);
    v1 = await registerTelco(w, "churn");
    for (const name of ["steady", "shifted", "flipped", "empty", "counted"]) {
      await w.platform.deployments.create({ name, primary: `churn/${v1}` });
    }
  });
  after(() => w.close());

  test("unshifted rows: no drift on any feature; outcomes give the realized AUC, no concept drift", async () => {
    const now = Date.now();
    const rows = spread(600);
    const id = await logRequest(w, "steady", { name: "churn", version: v1 }, records(w, rows), now - 60_000);
    await sendOutcomes(w, "steady", id, rows, now - 30_000);
    const [r, ...more] = await run("steady");
    assert.equal(more.length, 0);
    assert.ok(r);
    assert.equal(r.error, undefined, r.error);
    assert.deepEqual([r.modelName, r.modelVersion, r.rows, r.labelledRows], ["churn", v1, 600, 600]);
    assert.equal(r.reference, "package");
    assert.equal(r.datasetDrift, false);
    assert.equal(r.features.length, w.pkg.signature.inputs.length, "every input tested, the label left out");
    assert.deepEqual(
      r.features.filter((f) => f.drifted).map((f) => f.column),
      [],
    );
    assert.equal(feature(r, "tenure").test, "wasserstein");
    assert.ok(r.realizedAuc !== null && Math.abs(r.realizedAuc - w.trainingAuc) < 0.05, `AUC ${r.realizedAuc}`);
    assert.ok(r.realizedLogLoss !== null && r.realizedLogLoss < 0.6, `log loss ${r.realizedLogLoss}`);
    // 20 trees leave the scores shrunk towards the base rate: calibrated only roughly.
    assert.ok(
      r.calibrationError !== null && r.calibrationError >= 0 && r.calibrationError < 0.25,
      `ECE ${r.calibrationError}`,
    );
    assert.equal(r.trainingAuc, w.trainingAuc);
    assert.equal(r.conceptDrift, false);
    // Stored, and the latest per version.
    const stored = await w.platform.monitoring.results({ deployment: "steady" });
    assert.deepEqual(stored[0], r);
  });

  test("tenure shifted by 40 months: tenure drifts, the other inputs do not", async () => {
    const rows = spread(500, 3);
    const shifted = records(w, rows, (rec) => {
      rec.tenure = Number(rec.tenure) + 40;
    });
    await logRequest(w, "shifted", { name: "churn", version: v1 }, shifted, Date.now() - 1000);
    const [r] = await run("shifted");
    assert.ok(r);
    const tenure = feature(r, "tenure");
    assert.equal(tenure.drifted, true);
    assert.ok((tenure.score as number) > (tenure.threshold as number));
    assert.deepEqual(
      r.features.filter((f) => f.drifted).map((f) => f.column),
      ["tenure"],
    );
    assert.equal(r.datasetDrift, false, "one drifted feature of 19 is below the 0.5 share");
    assert.ok(r.shareDrifted !== null && r.shareDrifted > 0 && r.shareDrifted < 0.1);
    // No outcomes yet: realized performance is not judged, and the result says why.
    assert.equal(r.labelledRows, 0);
    assert.equal(r.conceptDrift, null);
    assert.ok(
      r.notes.some((n) => /too few labels/.test(n)),
      r.notes.join("; "),
    );
    const [again] = await run("shifted", { driftShare: 0.05 });
    assert.equal(again?.datasetDrift, true, "at a 5% drift share one feature is enough");
  });

  test("flipped outcomes: realized AUC far below training → concept drift", async () => {
    const rows = spread(400, 5);
    const id = await logRequest(w, "flipped", { name: "churn", version: v1 }, records(w, rows), Date.now() - 5000);
    await sendOutcomes(w, "flipped", id, rows, Date.now(), true);
    const [r] = await run("flipped");
    assert.ok(r?.realizedAuc !== null && (r?.realizedAuc as number) < 0.5, `AUC ${r?.realizedAuc}`);
    assert.equal(r?.conceptDrift, true);
    assert.equal(r?.datasetDrift, false, "the inputs did not change");
    // Fewer labels than min-labels: not judged.
    const [few] = await run("flipped", { minLabels: 1000 });
    assert.equal(few?.conceptDrift, null);
  });

  test("an empty window is a result with 0 rows and a note, not a failure", async () => {
    const [r, ...more] = await run("empty");
    assert.equal(more.length, 0);
    assert.equal(r?.rows, 0);
    assert.equal(r?.error, undefined);
    assert.equal(r?.datasetDrift, null);
    assert.equal(r?.modelName, undefined);
    assert.match(r?.notes.join(" ") ?? "", /empty window: no predictions of the primary from .* to /);
    // Predictions older than the window do not count.
    await logRequest(w, "empty", { name: "churn", version: v1 }, records(w, [1, 2]), Date.now() - 2 * HOUR);
    assert.equal((await run("empty"))[0]?.rows, 0);
    const [byCount] = await run("empty", { window: { kind: "rows", rows: 10 } });
    assert.equal(byCount?.rows, 2, "a count window reaches back as far as it needs");
  });

  test("a count window takes the last N predictions, per model version served in it", async () => {
    const v2 = await registerTelco(w, "churn", { packagedReference: false });
    const now = Date.now();
    // Oldest: shifted rows of v1; then unshifted rows of v1 and of v2.
    const shift = (rec: Record<string, unknown>) => {
      rec.tenure = Number(rec.tenure) + 40;
    };
    await logRequest(
      w,
      "counted",
      { name: "churn", version: v1 },
      records(w, spread(300, 1), shift),
      now - 30 * 60_000,
    );
    await logRequest(w, "counted", { name: "churn", version: v1 }, records(w, spread(300, 2)), now - 20 * 60_000);
    await logRequest(w, "counted", { name: "churn", version: v2 }, records(w, spread(200, 4)), now - 10 * 60_000);
    const results = await run("counted", { window: { kind: "rows", rows: 500 } });
    const byVersion = new Map(results.map((r) => [r.modelVersion, r]));
    assert.deepEqual([byVersion.get(v1)?.rows, byVersion.get(v2)?.rows], [300, 200]);
    assert.equal(
      byVersion.get(v1)?.features.find((f) => f.column === "tenure")?.drifted,
      false,
      "the shifted rows are outside the last 500",
    );
    // v2's package has no reference and its run no training data: drift is not computed, and the result says so.
    const r2 = byVersion.get(v2);
    assert.equal(r2?.datasetDrift, null);
    assert.deepEqual(r2?.features, []);
    assert.ok(
      r2?.notes.some((n) => /no reference/.test(n)),
      r2?.notes.join("; "),
    );
    const latest = await w.platform.monitoring.status("counted").catch(() => undefined);
    assert.equal(latest, undefined, "runConfig does not need a stored config; status does");
  });

  test("without a packaged reference, the run's training data file becomes the reference", async () => {
    const v3 = await registerTelco(w, "churn", { packagedReference: false, trainingFile: TELCO_CSV });
    await w.platform.deployments.create({ name: "from-data", primary: `churn/${v3}` });
    const shifted = records(w, spread(300, 6), (rec) => {
      rec.tenure = Number(rec.tenure) + 40;
    });
    await logRequest(w, "from-data", { name: "churn", version: v3 }, shifted, Date.now() - 1000);
    const [r] = await run("from-data");
    assert.equal(r?.reference, `file ${TELCO_CSV}`);
    assert.deepEqual(
      r?.features.filter((f) => f.drifted).map((f) => f.column),
      ["tenure"],
    );
  });

  test("a training file outside the --data-root folders is never read: the result says why", async () => {
    const outside = join(mkdtempSync(join(tmpdir(), "mw-outside-")), "train.csv");
    copyFileSync(TELCO_CSV, outside);
    const v = await registerTelco(w, "churn", { packagedReference: false, trainingFile: outside });
    await w.platform.deployments.create({ name: "outside-roots", primary: `churn/${v}` });
    await logRequest(w, "outside-roots", { name: "churn", version: v }, records(w, spread(100, 3)), Date.now() - 1000);
    const [r] = await run("outside-roots");
    assert.equal(r?.datasetDrift, null);
    assert.ok(
      r?.notes.some((n) => n.includes("--data-root")),
      r?.notes.join("; "),
    );
  });
});
