/**
 * A time window merged from the window aggregates gives the result a full scan of the same window
 * gives (every row read back, every label joined): exactly while every bucket's sample holds all
 * its rows, and within the sample it declares when one does not (counts, categories, histograms
 * and label sums stay exact then).
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { PredictionRecord } from "../../serving/prediction-log/prediction-log-store.js";
import { parseScoringJson } from "../../serving/protocols/mlflow/parse-json.js";
import { ModelFactsCache } from "./model-facts.js";
import type { MonitorConfig, MonitorResult } from "./monitor.js";
import type { MonitorJobDeps } from "./monitor-job.js";
import { runMonitorJob } from "./monitor-job.js";
import { resultFromRows } from "./rows-window-job.js";
import { monitorConfig } from "./test-support/monitor-config.js";
import type { TelcoWorld } from "./test-support/telco-world.js";
import { records, registerTelco, telcoWorld } from "./test-support/telco-world.js";
import { readWindow } from "./window-reader.js";
import { alignedStart } from "./windows/bucket-window.js";
import { SqlWindowStore } from "./windows/sql/sql-window-store.js";
import { HOUR_MS, MINUTE_MS } from "./windows/window-store.js";

const DAY = 86_400_000;
/** Mid-hour, so which rows fall in whole hours does not depend on when the test runs. */
const NOW = Math.floor(Date.now() / HOUR_MS) * HOUR_MS + 30 * MINUTE_MS + 12_345;

describe("time windows from aggregates equal a full scan of the same window", () => {
  let w: TelcoWorld;
  let v1: string;
  let deps: MonitorJobDeps;

  /** Log scored telco rows (changed by `change`) as one primary request at `time`; with routing keys when `keyed`. */
  async function logRows(
    deployment: string,
    rows: number[],
    time: number,
    o: { change?: (r: Record<string, unknown>) => void; keyed?: boolean; variant?: "candidate" } = {},
  ): Promise<PredictionRecord[]> {
    // Scored as sent, logged as changed (a changed value may not even be scorable).
    const scores = w.predictor.predict(parseScoringJson({ dataframe_records: records(w, rows) }, w.pkg.signature));
    const recs = records(w, rows, o.change);
    const requestId = randomUUID();
    const logged: PredictionRecord[] = recs.map((rec, row) => ({
      deployment,
      requestId,
      row,
      variant: o.variant ?? "primary",
      shadow: o.variant !== undefined,
      modelName: "churn",
      modelVersion: v1,
      ...(o.keyed ? { routingKey: `customer-${rows[row]}` } : {}),
      inputs: JSON.stringify(rec),
      score: scores[row] as number,
      label: "",
      time,
      latencyMs: 1,
    }));
    await w.log.appendPredictions(logged);
    return logged;
  }

  /** Outcomes for some logged rows: by request and row, or by routing key. */
  async function label(deployment: string, logged: PredictionRecord[], outcome: (i: number) => string, time: number) {
    await w.log.appendFeedback(
      logged.map((p, i) => ({
        id: randomUUID(),
        deployment,
        ...(p.routingKey ? { routingKey: p.routingKey } : { requestId: p.requestId, row: p.row }),
        outcome: outcome(i),
        time,
      })),
    );
  }

  /** The oracle: every row of the aligned window read back, every label joined, no limits. */
  async function fullScan(config: MonitorConfig): Promise<MonitorResult[]> {
    if (config.window.kind !== "time") throw new Error("time windows only");
    const start = alignedStart(NOW, config.window.ms, NOW - 3 * DAY + HOUR_MS);
    const window = await readWindow(w.log, config.deployment, { kind: "time", ms: NOW - start }, NOW, {
      maxRows: Number.POSITIVE_INFINITY,
    });
    const labels = await w.log.listLabeledScores({
      deployment: config.deployment,
      since: window.start,
      until: window.end,
      limit: 1e9,
    });
    const mine = labels.filter((l) => l.variant === "primary" && !l.shadow);
    return [await resultFromRows(config, window, NOW, window.rows, mine, deps)];
  }

  /** Equal up to floating-point summation order. */
  function assertSameResult(a: MonitorResult, b: MonitorResult, numericTolerance = 1e-9): void {
    const close = (x: number | null, y: number | null, what: string, tol = 1e-9) => {
      if (x === null || y === null) assert.equal(x, y, what);
      else assert.ok(Math.abs(x - y) <= tol, `${what}: ${x} vs ${y}`);
    };
    assert.deepEqual(
      [a.windowStart, a.windowEnd, a.rows, a.labelledRows, a.modelVersion],
      [b.windowStart, b.windowEnd, b.rows, b.labelledRows, b.modelVersion],
    );
    assert.equal(a.datasetDrift, b.datasetDrift);
    close(a.realizedAuc, b.realizedAuc, "AUC");
    close(a.realizedLogLoss, b.realizedLogLoss, "log loss");
    close(a.calibrationError, b.calibrationError, "calibration error");
    assert.equal(a.conceptDrift, b.conceptDrift);
    assert.equal(a.features.length, b.features.length);
    a.features.forEach((f, i) => {
      const g = b.features[i];
      assert.ok(g);
      assert.deepEqual([f.column, f.test, f.threshold, f.problem], [g.column, g.test, g.threshold, g.problem]);
      const numeric = f.histogram?.edges !== undefined;
      close(f.score, g.score, `score of ${f.column}`, numeric ? numericTolerance : 1e-9);
      if (!numeric || numericTolerance === 1e-9) assert.equal(f.drifted, g.drifted, f.column);
      assert.deepEqual(f.histogram, g.histogram, `histogram of ${f.column}`);
    });
  }

  before(async () => {
    w = await telcoWorld();
    v1 = await registerTelco(w, "churn");
    for (const name of ["exact", "sampled"]) await w.platform.deployments.create({ name, primary: `churn/${v1}` });
    deps = {
      predictions: w.log,
      windows: new SqlWindowStore(w.platform.db),
      facts: new ModelFactsCache({
        registry: w.platform.registry,
        artifacts: w.platform.artifacts,
        tracking: w.platform.tracking,
      }),
      clock: { now: () => NOW },
    };
  });
  after(() => w.close());

  test("six hours of requests, shifted and odd values, labels by request and by key: the same result", async () => {
    let offset = 0;
    for (let h = 0; h < 6; h++) {
      for (const m of [2, 17, 33, 50]) {
        const time = NOW - h * HOUR_MS - m * MINUTE_MS;
        const rows = Array.from({ length: 30 }, (_, k) => (offset + k * 13) % 7043);
        offset += 401;
        const logged = await logRows("exact", rows, time, {
          keyed: m === 33,
          change: (r) => {
            if (h < 2) r.tenure = Number(r.tenure) + 30;
            if (m === 17) r.MonthlyCharges = null;
            if (m === 50 && h === 3) r.tenure = "unknown";
          },
        });
        if (m !== 2) await label("exact", logged, (i) => (i % 3 === 0 ? "Yes" : "No"), time + 1000);
        // A later outcome for the same predictions replaces the first.
        if (m === 50) await label("exact", logged.slice(0, 5), () => "Yes", time + 2000);
      }
    }
    // Not the primary's answer: in neither result.
    await logRows("exact", [1, 2, 3], NOW - 1000, { variant: "candidate" });
    // Outside every window below.
    await logRows("exact", [4, 5], NOW - 9 * HOUR_MS);
    for (const hours of [1, 4.5, 8]) {
      const config = monitorConfig("exact", { window: { kind: "time", ms: hours * HOUR_MS }, minLabels: 10 });
      const [agg, ...more] = await runMonitorJob(config, deps);
      assert.equal(more.length, 0);
      const [full] = await fullScan(config);
      assert.ok(agg && full);
      assert.ok(agg.rows > 0 && agg.labelledRows > 0, `${agg.rows} rows, ${agg.labelledRows} labelled`);
      assertSameResult(agg, full);
      assert.deepEqual(agg.notes, full.notes);
    }
    const [eight] = await runMonitorJob(monitorConfig("exact", { window: { kind: "time", ms: 8 * HOUR_MS } }), deps);
    assert.equal(eight?.rows, 6 * 4 * 30);
    assert.ok(eight?.features.find((f) => f.column === "tenure")?.drifted, "tenure was shifted for two hours");
    assert.match(eight?.notes.join(" ") ?? "", /30 logged input values could not be read back/);
  });

  test("a window larger than its buckets' samples: exact counts and labels, numbers on a declared sample", async () => {
    const time = NOW - 12 * MINUTE_MS;
    const rows = Array.from({ length: 3000 }, (_, k) => (k * 7) % 7043);
    const logged = await logRows("sampled", rows, time, {
      change: (r) => {
        r.tenure = Number(r.tenure) + 10;
      },
    });
    await label("sampled", logged.slice(0, 400), (i) => (i % 4 === 0 ? "Yes" : "No"), time + 500);
    const config = monitorConfig("sampled", { window: { kind: "time", ms: HOUR_MS }, minLabels: 10 });
    const [agg] = await runMonitorJob(config, deps);
    const [full] = await fullScan(config);
    assert.ok(agg && full);
    assert.equal(agg.rows, 3000);
    // The current hour's bucket kept 2048 of its 3000 rows.
    assert.ok(
      agg.notes.some((n) => /stratified sample of 2048 of the window's 3000 predictions/.test(n)),
      agg.notes.join("; "),
    );
    // A 2048-of-3000 sample moves tenure's normed Wasserstein distance by about 0.012 (sd over
    // seeds); the aggregator's sample is seeded, so this is the same draw every run, 4 sd allowed.
    assertSameResult(agg, full, 0.05);
  });
});
