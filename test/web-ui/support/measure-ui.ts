/**
 * Browser timings of the UI on a large home: the runs page until its first rows show and the search
 * box is usable, a search round trip, and the run page until the metric chart has drawn. Times are
 * the page's own `performance.now()` (milliseconds since the navigation started).
 */
import type { UiBrowser } from "./browser.js";

export interface UiTimings {
  /** Per trial: navigation start → first page of rows rendered and search input enabled. */
  runsInteractiveMs: number[];
  /** Per trial: navigation start → chart's `data-drawn-at`. */
  chartDrawnMs: number[];
  /** Enter in the search box → the table shows the filtered rows. */
  searchMs: number;
  /** "Next page" on the unfiltered 100,000 runs → the second page's rows show. */
  nextPageMs: number;
  /** Per trial: navigation start → the comparison chart of 10 runs × 10,000 steps has drawn. */
  compareChartDrawnMs: number[];
  /** Rows on the first page of the runs table. */
  firstPageRows: number;
  /** Per trial of each page: when the document's DOMContentLoaded ended and what it fetched (the waterfall). */
  loads: PageLoad[];
}

export interface PageLoad {
  page: "runs" | "chart" | "compare";
  trial: number;
  domContentLoadedMs: number;
  /** Every resource: start and end in page time, size on the wire. */
  requests: { name: string; startMs: number; endMs: number; transferBytes: number }[];
}

// Marks the first moment the runs table has rows and the search box is enabled (checked on every DOM change).
const READY_WATCH = `(() => {
  const mark = () => {
    if (window.__mwRunsReady) return;
    const row = document.querySelector('table[aria-label="Runs"] tr[data-run-id]');
    const search = document.querySelector('input[aria-label="Search runs"]');
    if (row && search && !search.disabled) window.__mwRunsReady = performance.now();
  };
  new MutationObserver(mark).observe(document, { subtree: true, childList: true, attributes: true });
})();`;

/** The minimal DOM surface the in-page functions use (the test build has no DOM lib). */
interface PageGlobals {
  __mwRunsReady?: number;
  location: { origin: string };
  document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null };
  performance: {
    now(): number;
    getEntriesByType(type: string): {
      name: string;
      startTime: number;
      responseEnd: number;
      transferSize: number;
      domContentLoadedEventEnd: number;
    }[];
  };
}

// Functions, not strings: the UI's Content-Security-Policy forbids the eval that string predicates need.
const loadTimings = () => {
  const g = globalThis as unknown as PageGlobals;
  const nav = g.performance.getEntriesByType("navigation")[0];
  return {
    domContentLoadedMs: nav?.domContentLoadedEventEnd ?? Number.NaN,
    requests: g.performance.getEntriesByType("resource").map((e) => ({
      name: e.name.replace(g.location.origin, ""),
      startMs: e.startTime,
      endMs: e.responseEnd,
      transferBytes: e.transferSize,
    })),
  };
};

/** Time the runs page of `experimentId` and the `loss` chart of `curveRunId`, `trials` fresh loads each. */
export async function measureUi(
  ui: UiBrowser,
  url: string,
  ids: { experimentId: string; curveRunId: string; compareRunIds: string[] },
  trials = 3,
): Promise<UiTimings> {
  const { page } = ui;
  await page.addInitScript(READY_WATCH);
  const out: UiTimings = {
    runsInteractiveMs: [],
    chartDrawnMs: [],
    searchMs: 0,
    nextPageMs: 0,
    compareChartDrawnMs: [],
    firstPageRows: 0,
    loads: [],
  };
  const rows = page.locator('table[aria-label="Runs"] tr[data-run-id]');
  for (let i = 0; i < trials; i++) {
    await page.goto("about:blank");
    await page.goto(`${url}/#/experiments/${ids.experimentId}`);
    const ready = await page.waitForFunction(() => (globalThis as unknown as PageGlobals).__mwRunsReady, undefined, {
      timeout: 60_000,
    });
    out.runsInteractiveMs.push(Number(await ready.jsonValue()));
    out.firstPageRows = await rows.count();
    out.loads.push({ page: "runs", trial: i, ...(await page.evaluate(loadTimings)) });
  }
  await ui.settle();
  await ui.shot("perf-runs-100k");

  out.nextPageMs = await timeUntilFirstRowChanges(ui, () => page.getByRole("button", { name: "Next page" }).click());
  await ui.settle();
  await ui.shot("perf-runs-100k-page2");

  // A search over the 100,000 runs: the first row changes to one that matches.
  const search = page.locator('input[aria-label="Search runs"]');
  await search.fill("metrics.auc > 0.999 and params.algo = 'gbdt'");
  out.searchMs = await timeUntilFirstRowChanges(ui, () => search.press("Enter"));
  await ui.settle();
  await ui.shot("perf-runs-100k-searched");

  for (let i = 0; i < trials; i++) {
    await page.goto("about:blank");
    await page.goto(`${url}/#/runs/${ids.curveRunId}?metric=loss`);
    const drawn = page.locator('[data-testid="metric-chart"][data-drawn-at]').first();
    await drawn.waitFor({ state: "attached", timeout: 60_000 });
    out.chartDrawnMs.push(Number(await drawn.getAttribute("data-drawn-at")));
    out.loads.push({ page: "chart", trial: i, ...(await page.evaluate(loadTimings)) });
  }
  await ui.settle();
  await ui.shot("perf-metric-1m");

  for (let i = 0; i < trials; i++) {
    await page.goto("about:blank");
    await page.goto(`${url}/#/compare?runs=${ids.compareRunIds.join(",")}`);
    const drawn = page.locator('[data-testid="metric-chart"][data-drawn-at]').first();
    await drawn.waitFor({ state: "attached", timeout: 60_000 });
    out.compareChartDrawnMs.push(Number(await drawn.getAttribute("data-drawn-at")));
    out.loads.push({ page: "compare", trial: i, ...(await page.evaluate(loadTimings)) });
  }
  await ui.settle();
  await page.locator('[data-testid="metric-chart"]').first().scrollIntoViewIfNeeded();
  await ui.shot("perf-compare-10x10k");
  return out;
}

/** Page-time milliseconds from `act` until the runs table's first row is another run. */
async function timeUntilFirstRowChanges(ui: UiBrowser, act: () => Promise<unknown>): Promise<number> {
  const before = await ui.page.locator('table[aria-label="Runs"] tr[data-run-id]').first().getAttribute("data-run-id");
  const t0 = await ui.page.evaluate(() => (globalThis as unknown as PageGlobals).performance.now());
  await act();
  const changed = await ui.page.waitForFunction(
    (first) => {
      const g = globalThis as unknown as PageGlobals;
      const row = g.document.querySelector('table[aria-label="Runs"] tr[data-run-id]');
      return row && row.getAttribute("data-run-id") !== first ? g.performance.now() : 0;
    },
    before,
    { timeout: 60_000, polling: "raf" },
  );
  return Number(await changed.jsonValue()) - t0;
}

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}
