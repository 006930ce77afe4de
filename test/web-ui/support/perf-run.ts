/**
 * The whole UI performance measurement, shared by the browser test and `bench/web/ui-load.ts`:
 * seed a fresh home, start `modelworks up` on it, check the metric history is downsampled on the
 * server, time the pages in Chromium and write `test-artifacts/web-ui/performance.json`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { spawnCli } from "../../../src/cli/test-support/spawn-cli.js";
import { openBrowser, SHOTS_DIR, signInWithTokenLink } from "./browser.js";
import type { UiTimings } from "./measure-ui.js";
import { measureUi, median } from "./measure-ui.js";
import type { PerfHome } from "./perf-home.js";
import { seedPerfHome } from "./perf-home.js";
import { getJson } from "./ui-fixture.js";

export interface PerfReport {
  runs: number;
  points: number;
  seeding: PerfHome["seconds"];
  /** What the metric-history route answered for the 1,000,000-point series (default max_points). */
  history: { total_points: number; downsampled: boolean; points_sent: number };
  timings: UiTimings;
  /**
   * Cold: the first load in the fresh browser profile right after `up` started (nothing cached in the
   * browser or the server). Warm: the median of the following loads.
   */
  summary: {
    runsInteractiveColdMs: number;
    runsInteractiveWarmMs: number | null;
    chartDrawnColdMs: number;
    chartDrawnWarmMs: number | null;
    searchMs: number;
    nextPageMs: number;
    compareChartDrawnColdMs: number;
    compareChartDrawnWarmMs: number | null;
  };
  /** Console errors, failed requests and HTTP errors seen while measuring (reported, not asserted). */
  problems: string[];
  machine: { cpus: number; loadavg: number[] };
  file: string;
}

/** Seed, serve, measure; everything it started is stopped and its temp folder removed before it resolves. */
export async function runPerfMeasurement(
  opts: { runs?: number; points?: number; trials?: number } = {},
): Promise<PerfReport> {
  const root = mkdtempSync(join(tmpdir(), "mw-web-ui-perf-"));
  const home = join(root, "home");
  try {
    const seeded = await seedPerfHome(home, opts.runs, opts.points);
    const up = await spawnCli(["up", "--home", home, "--port", "0", "--json"], { MODELWORKS_HOME: home });
    try {
      const { url } = JSON.parse(up.firstLine) as { url: string };
      const hist = await getJson<{ total_points: number; downsampled: boolean; points: unknown[] }>(
        { url, home },
        `/api/modelworks/v1/runs/${seeded.curveRunId}/metric-history?key=loss`,
      );
      const ui = await openBrowser();
      try {
        await signInWithTokenLink(ui, { url, home });
        const timings = await measureUi(ui, url, seeded, opts.trials);
        const report: PerfReport = {
          runs: seeded.runs,
          points: seeded.points,
          seeding: seeded.seconds,
          history: { total_points: hist.total_points, downsampled: hist.downsampled, points_sent: hist.points.length },
          timings,
          summary: {
            runsInteractiveColdMs: timings.runsInteractiveMs[0] ?? Number.NaN,
            runsInteractiveWarmMs: warm(timings.runsInteractiveMs),
            chartDrawnColdMs: timings.chartDrawnMs[0] ?? Number.NaN,
            chartDrawnWarmMs: warm(timings.chartDrawnMs),
            searchMs: timings.searchMs,
            nextPageMs: timings.nextPageMs,
            compareChartDrawnColdMs: timings.compareChartDrawnMs[0] ?? Number.NaN,
            compareChartDrawnWarmMs: warm(timings.compareChartDrawnMs),
          },
          problems: ui.take(),
          machine: { cpus: cpus().length, loadavg: loadavg() },
          file: join(SHOTS_DIR, "performance.json"),
        };
        mkdirSync(SHOTS_DIR, { recursive: true });
        writeFileSync(report.file, `${JSON.stringify(report, null, 2)}\n`);
        return report;
      } finally {
        await ui.close();
      }
    } finally {
      await up.stop();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The median of every trial after the first, or null with a single trial. */
function warm(xs: readonly number[]): number | null {
  return xs.length > 1 ? median(xs.slice(1)) : null;
}
