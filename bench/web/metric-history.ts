/**
 * Metric chart read benchmark: a run with 1,000,000 points of one key, read through
 * `GET /api/modelworks/v1/runs/:id/metric-history` (server-side downsampling to 1,000 points) via
 * app.inject, against MLflow's `get-history` of the same run (every point: what MLflow's chart
 * loads) as the anchor, and MLflow UI's `get-history-bulk-interval` (320 evenly spaced steps).
 *
 *   node --import tsx bench/web/metric-history.ts [--points N] [--repeats N]
 *
 * Prints median wall-clock ms of each (after one warm-up) and the ratio anchor / ours.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { resolveConfig } from "../../src/core/config.js";
import { buildApp } from "../../src/server/app.js";
import { AUTH_OFF } from "../../src/server/auth/auth-gate.js";
import { openPlatform } from "../../src/server/open-platform.js";

const { values } = parseArgs({ options: { points: { type: "string" }, repeats: { type: "string" } } });
const POINTS = Number(values.points ?? 1_000_000);
const REPEATS = Number(values.repeats ?? 5);
const KEY = "val_loss";

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

async function main(): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), "mw-bench-history-"));
  const platform = await openPlatform(resolveConfig({ home }, {}, home));
  const app = await buildApp({ ...platform, auth: AUTH_OFF, version: "bench" });
  try {
    const exp = await platform.tracking.createExperiment({ name: "history" });
    const runId = (await platform.tracking.createRun({ experimentId: exp, runName: "long-history" })).info.run_id;
    const t0 = Date.now();
    const logStart = performance.now();
    for (let step = 0; step < POINTS; step += 1000) {
      const n = Math.min(1000, POINTS - step);
      const metrics = Array.from({ length: n }, (_, i) => ({
        key: KEY,
        value: Math.exp(-(step + i) / 200_000) + 0.01 * Math.sin(step + i),
        timestamp: t0 + step + i,
        step: step + i,
      }));
      await platform.tracking.logBatch(runId, { metrics });
    }
    log(`logged ${POINTS} points in ${((performance.now() - logStart) / 1000).toFixed(1)} s`);

    /** Median time of reading `url`, following `next_page_token` to the last page when `paged`. */
    const time = async (
      url: string,
      check: (body: string) => void,
      paged = false,
    ): Promise<{ ms: number; bytes: number }> => {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i <= REPEATS; i++) {
        const start = performance.now();
        bytes = 0;
        let token: string | undefined;
        do {
          const page = token ? `${url}&page_token=${encodeURIComponent(token)}` : url;
          const res = await app.inject({ method: "GET", url: page });
          if (res.statusCode !== 200) throw new Error(`${page}: ${res.statusCode} ${res.body.slice(0, 200)}`);
          check(res.body);
          bytes += res.body.length;
          token = paged ? (JSON.parse(res.body) as { next_page_token?: string }).next_page_token : undefined;
        } while (token);
        const ms = performance.now() - start;
        if (i > 0) times.push(ms); // the first is a warm-up
      }
      return { ms: median(times), bytes };
    };
    const q = `run_id=${runId}&metric_key=${KEY}`;
    const ours = await time(`/api/modelworks/v1/runs/${runId}/metric-history?key=${KEY}&max_points=1000`, (b) => {
      const body = JSON.parse(b) as { total_points: number; points: unknown[] };
      if (body.total_points !== POINTS || body.points.length > 1000) throw new Error("unexpected downsampled answer");
    });
    log(`metric-history (1,000 points): ${ours.ms.toFixed(1)} ms`);
    const bulk = await time(
      `/api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=${runId}&metric_key=${KEY}`,
      () => {},
    );
    log(`get-history-bulk-interval (320 steps): ${bulk.ms.toFixed(1)} ms`);
    // Every point, in the server's pages (at most 25,000 points each), as MLflow's client reads them.
    const anchor = await time(
      `/api/2.0/mlflow/metrics/get-history?${q}&max_results=25000`,
      (b) => {
        if (!b.startsWith('{"metrics":[')) throw new Error("unexpected get-history answer");
      },
      true,
    );
    log(`get-history (every point): ${anchor.ms.toFixed(1)} ms`);

    const row = (name: string, r: { ms: number; bytes: number }) =>
      `${name.padEnd(44)} ${r.ms.toFixed(1).padStart(9)} ms ${(r.bytes / 1024).toFixed(0).padStart(9)} KiB`;
    console.log(`Metric history of one run, ${POINTS.toLocaleString("en")} points of one key, SQLite, app.inject`);
    console.log(`median of ${REPEATS} after a warm-up; ${cpus().length} CPUs shared with anything else running`);
    console.log(row("modelworks metric-history max_points=1000", ours));
    console.log(row("mlflow get-history-bulk-interval (320)", bulk));
    console.log(row("mlflow get-history (anchor: every point)", anchor));
    console.log(`ratio anchor / metric-history: ${(anchor.ms / ours.ms).toFixed(1)}×`);
  } finally {
    await app.close();
    await platform.close();
    rmSync(home, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
