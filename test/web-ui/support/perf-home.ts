/**
 * A home for the UI performance measurement: 100,000 runs in one experiment (a few params and
 * metrics each, bulk-inserted the way the tracking benchmark populates), one run holding 1,000,000
 * points of metric `loss`, and 10 runs of 10,000 `loss` steps each for the comparison chart (the
 * case that freezes MLflow's chart view). Histories go through the tracking store's batch method.
 */
import { join } from "node:path";
import { analyze, populateDirect } from "../../../bench/tracking/populate.js";
import { resolveConfig } from "../../../src/core/config.js";
import { openPlatform } from "../../../src/server/open-platform.js";
import type { TrackingStore } from "../../../src/tracking/tracking-store.js";

export interface PerfHome {
  experimentId: string;
  curveRunId: string;
  /** Runs of 10,000 steps each, compared together. */
  compareRunIds: string[];
  runs: number;
  points: number;
  /** Seconds: the runs, the long metric, the compared histories, ANALYZE, and all of it. */
  seconds: { runs: number; curve: number; compared: number; analyze: number; total: number };
}

/** Fill `home` (fresh): `runs` runs in `ui-perf`; the long `loss` history and the compared runs in `ui-perf-curves`. */
export async function seedPerfHome(home: string, runs = 100_000, points = 1_000_000): Promise<PerfHome> {
  const started = performance.now();
  const config = resolveConfig({ home }, {}, join(home, ".."));
  const platform = await openPlatform(config);
  let experimentId: string;
  let curveRunId: string;
  const compareRunIds: string[] = [];
  const seconds = { runs: 0, curve: 0, compared: 0, analyze: 0, total: 0 };
  try {
    const { tracking } = platform;
    experimentId = await tracking.createExperiment({ name: "ui-perf" });
    const curves = await tracking.createExperiment({ name: "ui-perf-curves" });
    let t = performance.now();
    curveRunId = await lossRun(tracking, curves, "loss-curve", points, 0);
    seconds.curve = (performance.now() - t) / 1000;
    t = performance.now();
    for (let i = 0; i < 10; i++) compareRunIds.push(await lossRun(tracking, curves, `compare-${i}`, 10_000, i));
    seconds.compared = (performance.now() - t) / 1000;
  } finally {
    await platform.close();
  }
  seconds.runs = await populateDirect(config.storeUri, experimentId, {
    from: 0,
    to: runs,
    t0: Date.now() - runs * 1000,
  });
  seconds.analyze = await analyze(config.storeUri);
  seconds.total = (performance.now() - started) / 1000;
  return { experimentId, curveRunId, compareRunIds, runs, points, seconds };
}

/** A finished run with `points` steps of `loss` (1,000 per call: MLflow's log-batch limit, which the store enforces). */
async function lossRun(
  tracking: TrackingStore,
  experimentId: string,
  name: string,
  points: number,
  seed: number,
): Promise<string> {
  const t0 = Date.now() - points * 10;
  const runId = (await tracking.createRun({ experimentId, runName: name, startTime: t0 })).info.run_id;
  for (let first = 0; first < points; first += 1000) {
    const metrics = [];
    for (let step = first; step < Math.min(points, first + 1000); step++)
      metrics.push({ key: "loss", value: lossAt(step, points, seed), timestamp: t0 + step * 10, step });
    await tracking.logBatch(runId, { metrics });
  }
  await tracking.logBatch(runId, {
    params: [
      { key: "points", value: String(points) },
      { key: "seed", value: String(seed) },
    ],
  });
  await tracking.updateRun(runId, { status: "FINISHED", endTime: t0 + points * 10 });
  return runId;
}

/** A training-loss shape with noise and a few spikes, so downsampling has something to keep. */
function lossAt(step: number, points: number, seed: number): number {
  const spike = step % Math.max(1, Math.floor(points / 10) - 9) === 0 ? 0.5 : 0;
  return 0.05 + 0.02 * seed + Math.exp((-5 * step) / points) + 0.01 * Math.sin(step / 37 + seed) + spike;
}
