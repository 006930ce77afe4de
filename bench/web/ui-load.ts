/**
 * Web UI load benchmark in headless Chromium: a fresh home with 100,000 runs in one experiment and
 * one run with 1,000,000 points of `loss` (and 10 runs × 10,000 steps to compare), served by
 * `modelworks up`; prints the time until the runs page is interactive, next page and search round
 * trips, the time until the metric chart and the comparison chart have drawn, and writes
 * test-artifacts/web-ui/performance.json (screenshots beside it). Needs the built UI (dist/web).
 *
 *   node --import tsx bench/web/ui-load.ts [--runs 100000] [--points 1000000] [--trials 3]
 */
import { parseArgs } from "node:util";
import { runPerfMeasurement } from "../../test/web-ui/support/perf-run.js";

const { values: flags } = parseArgs({
  options: { runs: { type: "string" }, points: { type: "string" }, trials: { type: "string" } },
});
const r = await runPerfMeasurement({
  runs: Number(flags.runs ?? 100_000),
  points: Number(flags.points ?? 1_000_000),
  trials: Number(flags.trials ?? 3),
});
const ms = (xs: number[]) => xs.map((x) => `${x.toFixed(0)} ms`).join(", ");
console.log(
  `seeding: ${r.runs} runs in ${r.seeding.runs.toFixed(1)} s, ${r.points} points in ${r.seeding.curve.toFixed(1)} s`,
);
console.log(`runs page interactive (navigation → rows + search enabled): ${ms(r.timings.runsInteractiveMs)}`);
console.log(
  `  cold ${r.summary.runsInteractiveColdMs.toFixed(0)} ms, warm median ${r.summary.runsInteractiveWarmMs?.toFixed(0) ?? "-"} ms`,
);
console.log(
  `  first page: ${r.timings.firstPageRows} rows; next page ${r.summary.nextPageMs.toFixed(0)} ms; ` +
    `search round trip ${r.summary.searchMs.toFixed(0)} ms`,
);
console.log(`metric chart drawn (navigation → data-drawn-at): ${ms(r.timings.chartDrawnMs)}`);
console.log(
  `  cold ${r.summary.chartDrawnColdMs.toFixed(0)} ms, warm median ${r.summary.chartDrawnWarmMs?.toFixed(0) ?? "-"} ms`,
);
console.log(
  `  history: ${r.history.points_sent} of ${r.history.total_points} points sent (downsampled ${r.history.downsampled})`,
);
console.log(
  `comparison chart, 10 runs × 10,000 steps (navigation → data-drawn-at): ${ms(r.timings.compareChartDrawnMs)}`,
);
for (const load of r.timings.loads) {
  console.log(`${load.page} #${load.trial}: DOMContentLoaded ${load.domContentLoadedMs.toFixed(0)} ms`);
  for (const q of load.requests)
    console.log(`  ${q.startMs.toFixed(0)}–${q.endMs.toFixed(0)} ms ${q.transferBytes} B ${q.name}`);
}
if (r.problems.length) console.log(`problems:\n  ${r.problems.join("\n  ")}`);
console.log(`machine: ${r.machine.cpus} cpus, load ${r.machine.loadavg.map((x) => x.toFixed(2)).join(" ")}; ${r.file}`);
