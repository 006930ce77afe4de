/**
 * Predictions logged before the aggregator ran (straight into the log, as an older version did)
 * are built into buckets from the log: a monitor's time window over old and live rows then gives
 * the full scan's result. The boundary is exact: old rows in the minute and hour the process
 * started in, live rows after them, and an old row replayed through the live path while the
 * backfill has yet to read its range, each counted once.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { seededRandom } from "../../../core/random.js";
import { monitorHandlers } from "../../../server/platform/monitor-handlers.js";
import type {
  FeedbackRecord,
  PredictionLogStore,
  PredictionRecord,
} from "../../../serving/prediction-log/prediction-log-store.js";
import { SqlPredictionLogStore } from "../../../serving/prediction-log/sql/sql-prediction-log-store.js";
import { parseScoringJson } from "../../../serving/protocols/mlflow/parse-json.js";
import { ModelFactsCache } from "../model-facts.js";
import { formatStatus } from "../monitor-format.js";
import type { MonitorJobDeps } from "../monitor-job.js";
import { runMonitorJob } from "../monitor-job.js";
import { resultFromRows } from "../rows-window-job.js";
import { monitorConfig } from "../test-support/monitor-config.js";
import type { TelcoWorld } from "../test-support/telco-world.js";
import { records, registerTelco, telcoWorld } from "../test-support/telco-world.js";
import { readWindow } from "../window-reader.js";
import { AggregatingLogStore } from "./aggregating-log-store.js";
import { InProcessWindowSink } from "./in-process-sink.js";
import { SqlBackfillStore } from "./sql/sql-backfill-store.js";
import { SqlWindowStore } from "./sql/sql-window-store.js";
import { WindowAggregator } from "./window-aggregator.js";
import { WindowBackfill } from "./window-backfill.js";
import { HOUR_MS, MINUTE_MS } from "./window-store.js";

/** Mid-hour, so the windows' whole hours do not depend on when the test runs. */
const NOW = Math.floor(Date.now() / HOUR_MS) * HOUR_MS + 40 * MINUTE_MS + 12_345;
/** When the aggregating process started: mid-minute, in the current hour. */
const STARTED = NOW - 20 * MINUTE_MS - 30_000;

describe("backfill of window aggregates from the stored log", () => {
  let w: TelcoWorld;
  let v1: string;
  let raw: SqlPredictionLogStore;
  let deps: MonitorJobDeps;

  function logged(rows: number[], time: number, shift: boolean): PredictionRecord[] {
    const scores = w.predictor.predict(parseScoringJson({ dataframe_records: records(w, rows) }, w.pkg.signature));
    const requestId = randomUUID();
    return records(w, rows, (r) => {
      if (shift) r.tenure = Number(r.tenure) + 30;
    }).map((rec, row) => ({
      deployment: "old",
      requestId,
      row,
      variant: "primary",
      shadow: false,
      modelName: "churn",
      modelVersion: v1,
      inputs: JSON.stringify(rec),
      score: scores[row] as number,
      label: "",
      time,
      latencyMs: 1,
    }));
  }

  function outcomes(recs: PredictionRecord[], time: number): FeedbackRecord[] {
    return recs.map((p, i) => ({
      id: randomUUID(),
      deployment: "old",
      requestId: p.requestId,
      row: p.row,
      outcome: i % 3 === 0 ? "Yes" : "No",
      time,
    }));
  }

  async function fullScan(hours: number) {
    const config = monitorConfig("old", { window: { kind: "time", ms: hours * HOUR_MS }, minLabels: 10 });
    const [agg] = await runMonitorJob(config, deps);
    assert.ok(agg);
    const window = await readWindow(raw, "old", { kind: "time", ms: NOW - agg.windowStart }, NOW, {
      maxRows: Number.POSITIVE_INFINITY,
    });
    const labels = await raw.listLabeledScores({
      deployment: "old",
      since: window.start,
      until: window.end,
      limit: 1e9,
    });
    const full = await resultFromRows(config, window, NOW, window.rows, labels, deps);
    return { agg, full };
  }

  before(async () => {
    w = await telcoWorld();
    v1 = await registerTelco(w, "churn");
    await w.platform.deployments.create({ name: "old", primary: `churn/${v1}` });
    raw = new SqlPredictionLogStore(w.platform.db);
    deps = {
      predictions: raw,
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

  test("rows logged before the aggregator, then live ones: a window's result equals the full scan", async () => {
    // Six hours of old rows (shifted in the first two), the last ones in the start's own minute.
    let offset = 0;
    const times: number[] = [];
    for (let h = 0; h < 6; h++) for (const m of [3, 24, 47]) times.push(STARTED - h * HOUR_MS - m * MINUTE_MS);
    times.push(STARTED - 20_000, STARTED - 1);
    for (const time of times) {
      const recs = logged(
        Array.from({ length: 20 }, (_, k) => (offset + k * 11) % 7043),
        time,
        time > NOW - 2 * HOUR_MS,
      );
      offset += 301;
      await raw.appendPredictions(recs);
      await raw.appendFeedback(outcomes(recs.slice(0, 12), time + 500));
    }
    const replayed = logged([9, 10, 11], STARTED - 5 * MINUTE_MS, false);

    // The backfill reads 25 rows a batch; after its first, it waits for the test.
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let batches = 0;
    const windows = new SqlWindowStore(w.platform.db, seededRandom(5));
    const spec = (name: string, version: string) => w.platform.monitoring.aggregateSpec(name, version);
    const notes: string[] = [];
    const backfill = new WindowBackfill(
      {
        store: new SqlBackfillStore(w.platform.db, windows),
        windows,
        log: raw,
        spec,
        clock: { now: () => NOW },
        startedAt: STARTED,
        note: (m) => notes.push(m),
        random: seededRandom(6),
      },
      { batchRows: 25, pause: () => (++batches === 1 ? gate : Promise.resolve()) },
    );
    const aggregator = new WindowAggregator(
      { store: windows, log: raw, spec, clock: { now: () => NOW }, random: seededRandom(7), backfill },
      { timer: false },
    );
    const live: PredictionLogStore = new AggregatingLogStore(raw, new InProcessWindowSink(aggregator));
    await aggregator.drain();
    assert.ok(backfill.leaves("old", replayed[0]?.time as number), "the replayed row's range is not read yet");
    // Live: rows after the start in the same minute and hour, and an old row replayed (from a spool).
    for (const time of [STARTED + 1, STARTED + 10_000, NOW - MINUTE_MS]) {
      const recs = logged([100, 200, 300, 400], time, false);
      await live.appendPredictions(recs);
      await live.appendFeedback(outcomes(recs, time + 100));
    }
    await live.appendPredictions(replayed);
    await aggregator.drain();
    release();
    await backfill.finished();
    await aggregator.drain();

    const state = await new SqlBackfillStore(w.platform.db, windows).state("old");
    assert.equal(state?.until, STARTED);
    assert.equal(state?.rows, times.length * 20 + 3);
    assert.ok(state?.doneTime !== undefined);
    assert.match(
      notes.join("\n"),
      new RegExp(`built the buckets of deployment old from ${times.length * 20 + 3} earlier predictions`),
    );
    for (const hours of [0.5, 1, 4.5, 8]) {
      const { agg, full } = await fullScan(hours);
      assert.deepEqual(
        [agg.windowStart, agg.rows, agg.labelledRows, agg.modelVersion],
        [full.windowStart, full.rows, full.labelledRows, full.modelVersion],
        `${hours} h`,
      );
      assert.ok(agg.rows > 0 && agg.labelledRows > 0);
      assert.ok(Math.abs((agg.realizedAuc ?? 0) - (full.realizedAuc ?? 0)) < 1e-9, "AUC");
      assert.deepEqual(
        agg.features.map((f) => [f.column, f.drifted, f.histogram]),
        full.features.map((f) => [f.column, f.drifted, f.histogram]),
      );
      agg.features.forEach((f, i) => {
        assert.ok(Math.abs((f.score ?? 0) - (full.features[i]?.score ?? 0)) < 1e-9, f.column);
      });
    }
    const { agg: eight } = await fullScan(8);
    assert.equal(eight.rows, times.length * 20 + 3 * 4 + 3);
    await aggregator.close();
  });

  test("a second start finds the backfill done and builds nothing again", async () => {
    const windows = new SqlWindowStore(w.platform.db);
    const notes: string[] = [];
    const backfill = new WindowBackfill({
      store: new SqlBackfillStore(w.platform.db, windows),
      windows,
      log: raw,
      spec: (name, version) => w.platform.monitoring.aggregateSpec(name, version),
      clock: { now: () => NOW },
      startedAt: NOW,
      note: (m) => notes.push(m),
    });
    const rows = (await fullScan(8)).agg.rows;
    await backfill.start();
    await backfill.stop();
    assert.deepEqual(backfill.pending(), []);
    assert.deepEqual(notes, []);
    assert.equal((await fullScan(8)).agg.rows, rows);
  });

  test("while a deployment's backfill is under way, its monitor status says how far it got", async () => {
    await w.platform.deployments.create({ name: "pending", primary: `churn/${v1}` });
    await raw.appendPredictions(logged([1, 2], STARTED - HOUR_MS, false).map((r) => ({ ...r, deployment: "pending" })));
    const windows = new SqlWindowStore(w.platform.db);
    await new SqlBackfillStore(w.platform.db, windows).begin(STARTED, NOW);
    await w.platform.monitoring.setConfig("pending", {});
    const status = await monitorHandlers(w.platform.monitoring).getMonitor({ name: "pending" });
    assert.deepEqual(status.window_backfill, { built_rows: 0, through_time: 0, until_time: STARTED });
    assert.match(formatStatus(status), /window aggregates: +building from earlier predictions \(0 built/);
    await w.platform.monitoring.setConfig("old", {});
    const done = await monitorHandlers(w.platform.monitoring).getMonitor({ name: "old" });
    assert.equal(done.window_backfill, undefined, "a finished backfill is not shown");
  });
});
