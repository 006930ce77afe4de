/** Monitor status over many stored results: the queries `GET .../deployments/NAME/monitor` runs, timed. */
import { performance } from "node:perf_hooks";
import type { Database } from "../../../src/core/db/database.js";
import type { MonitorConfig, MonitorResult } from "../../../src/monitoring/live/monitor.js";
import { SqlMonitorStore } from "../../../src/monitoring/live/sql/sql-monitor-store.js";

const FEATURES = ["tenure", "MonthlyCharges", "TotalCharges", "Contract", "InternetService", "PaymentMethod"];

function result(i: number, deployment: string, time: number): MonitorResult {
  return {
    id: `bench-${String(i).padStart(8, "0")}`,
    deployment,
    modelName: "churn",
    modelVersion: String(1 + (i % 3)),
    time,
    windowStart: time - 3_600_000,
    windowEnd: time,
    rows: 400,
    labelledRows: 40,
    datasetDrift: false,
    shareDrifted: 0.1,
    features: FEATURES.map((column) => ({ column, test: "wasserstein", score: 0.05, threshold: 0.1, drifted: false })),
    reference: "package",
    realizedAuc: 0.84,
    realizedLogLoss: 0.41,
    calibrationError: 0.03,
    trainingAuc: 0.85,
    trainingLogLoss: 0.4,
    conceptDrift: false,
    notes: [],
  };
}

function config(deployment: string): MonitorConfig {
  return {
    deployment,
    intervalMs: 2_000,
    window: { kind: "rows", rows: 400 },
    minLabels: 100,
    aucMargin: 0.05,
    logLossMargin: 0.1,
    rmseMargin: 0.2,
    accuracyMargin: 0.05,
    driftShare: 0.5,
    alerts: [{ type: "dataset_drift" }],
    notify: [],
    createdTime: 0,
    updatedTime: 0,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Store `n` results (one every 2 s, three versions) and time status reads, and the old ranking query. */
export async function monitorStatusTimes(
  db: Database,
  deployment: string,
  n: number,
): Promise<{ statusMs: number; rankingMs: number }> {
  const store = new SqlMonitorStore(db);
  await store.putConfig(config(deployment));
  const start = Date.now() - n * 2_000;
  for (let at = 0; at < n; at += 1_000) {
    await store.addResults(
      Array.from({ length: Math.min(1_000, n - at) }, (_, k) => result(at + k, deployment, start + (at + k) * 2_000)),
    );
  }
  const status = async () => {
    await store.getConfig(deployment);
    await store.latestResults(deployment);
    await store.listResults({ deployment, limit: 20 });
    await store.listAlerts({ deployment, status: "firing" });
  };
  const ranking = () =>
    db.all(
      `SELECT id FROM (SELECT r.id, ROW_NUMBER() OVER (PARTITION BY model_name, model_version ORDER BY time DESC, id DESC) AS pick
       FROM monitor_results r WHERE deployment = ? AND model_name IS NOT NULL) latest WHERE pick = 1`,
      [deployment],
    );
  const time = async (f: () => Promise<unknown>) => {
    const out: number[] = [];
    for (let i = 0; i < 21; i++) {
      const t = performance.now();
      await f();
      if (i > 0) out.push(performance.now() - t);
    }
    return median(out);
  };
  return { statusMs: await time(status), rankingMs: await time(ranking) };
}
