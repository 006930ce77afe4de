/**
 * UI performance at scale, measured in Chromium and reported (test-artifacts/web-ui/performance.json),
 * not asserted against a time limit: with 100,000 runs in one experiment, the runs page until its
 * first rows show and search is usable (plus next page and a search); with a 1,000,000-point `loss`
 * history, the run page until the metric chart has drawn; 10 runs × 10,000 steps in the comparison
 * chart. Asserts that they rendered and that the browser got one page of runs and downsampled
 * histories, never everything. Skipped when /usr/bin/chromium is absent (not under CI=true).
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { browserSkipReason } from "./support/browser.js";
import { runPerfMeasurement } from "./support/perf-run.js";
import { WEB_INDEX } from "./support/ui-fixture.js";

test("runs page at 100,000 runs and a 1,000,000-point metric chart: timings reported", {
  skip: browserSkipReason(),
}, async () => {
  assert.ok(existsSync(WEB_INDEX), `${WEB_INDEX} is missing: build the UI first`);
  const r = await runPerfMeasurement();
  const s = r.summary;
  const ms = (x: number | null) => (x === null ? "-" : `${x.toFixed(0)} ms`);
  console.log(
    `seeded ${r.runs} runs + ${r.points} points in ${r.seeding.total.toFixed(1)} s ` +
      `(runs ${r.seeding.runs.toFixed(1)} s, points ${r.seeding.curve.toFixed(1)} s)`,
  );
  console.log(
    `runs page interactive: cold ${ms(s.runsInteractiveColdMs)}, warm ${ms(s.runsInteractiveWarmMs)}; ` +
      `next page ${ms(s.nextPageMs)}; search ${ms(s.searchMs)}; ` +
      `metric chart (1M points) drawn: cold ${ms(s.chartDrawnColdMs)}, warm ${ms(s.chartDrawnWarmMs)}; ` +
      `comparison chart (10 × 10k) drawn: cold ${ms(s.compareChartDrawnColdMs)}, warm ${ms(s.compareChartDrawnWarmMs)}; ` +
      `history ${r.history.points_sent} of ${r.history.total_points} points → ${r.file}`,
  );
  if (r.problems.length) console.log(`problems seen while measuring:\n  ${r.problems.join("\n  ")}`);

  assert.equal(r.history.total_points, r.points);
  assert.ok(r.history.downsampled && r.history.points_sent <= 10_000, "the history is downsampled on the server");
  assert.ok(r.timings.firstPageRows > 0 && r.timings.firstPageRows <= 1000, "the runs page rendered one page of rows");
  const all = [...r.timings.runsInteractiveMs, ...r.timings.chartDrawnMs, ...r.timings.compareChartDrawnMs];
  for (const x of [...all, s.nextPageMs, s.searchMs]) assert.ok(Number.isFinite(x) && x > 0, `rendered (${x} ms)`);
  // What reached the browser: a page of runs, not 100,000; reduced histories, not every point.
  for (const load of r.timings.loads) {
    const bytes = load.requests.filter((q) => q.name.includes("/api/")).reduce((n, q) => n + q.transferBytes, 0);
    assert.ok(bytes < 2_000_000, `${load.page} #${load.trial} fetched ${bytes} bytes of API answers`);
  }
});
