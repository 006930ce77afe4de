/**
 * Grow a deployment's prediction log with the writer `up` and `serve` use on a SQLite home: the
 * SQLite writer thread's store wrapped in the window-aggregating log, whose aggregates are kept on
 * their worker thread (src/cli/commands/serving-host.ts). Rows are copies of the Telco rows with
 * the scores the served model gave them, spread evenly over the last `days` days (the HTTP path
 * stamps every row "now", which would put all of them in the last minutes); every `labelEvery`-th
 * row gets its true outcome as feedback.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolveConfig } from "../../../src/core/config.js";
import { sqlitePathOf } from "../../../src/core/db/open-database.js";
import { aggregatingLog, workerStores } from "../../../src/monitoring/live/worker/off-thread.js";
import { openPlatform } from "../../../src/server/open-platform.js";
import type { FeedbackRecord, PredictionRecord } from "../../../src/serving/prediction-log/prediction-log-store.js";
import { SqlPredictionLogStore } from "../../../src/serving/prediction-log/sql/sql-prediction-log-store.js";
import { SqliteWorkerPredictionLogStore } from "../../../src/serving/prediction-log/sqlite-worker/sqlite-worker-prediction-log-store.js";
import { newRequestId } from "../../../src/serving/scoring/request-id.js";
import { TELCO_CSV } from "../../serving/lib/paths.js";
import { loadTelco } from "../../serving/lib/telco.js";

export interface GrowOptions {
  home: string;
  deployment: string;
  model: { name: string; version: string };
  /** The served model's score of each Telco row, in file order. */
  scores: readonly number[];
  rows: number;
  days: number;
  labelEvery: number;
  /** Rows per appended batch (the logger's batches are of this order). */
  batch?: number;
  log: (line: string) => void;
}

export interface GrowResult {
  rows: number;
  labels: number;
  seconds: number;
}

/** The true outcomes of the Telco rows, in file order. */
function churnOutcomes(): string[] {
  const lines = readFileSync(TELCO_CSV, "utf8").trim().split(/\r?\n/);
  const at = (lines[0] as string).split(",").indexOf("Churn");
  return lines.slice(1).map((l) => (l.split(",")[at] ?? "").trim());
}

/** Append `rows` predictions (and their labels) through the serving process's log writer. */
export async function growLog(o: GrowOptions): Promise<GrowResult> {
  const config = resolveConfig({ home: o.home }, {}, o.home);
  const platform = await openPlatform(config);
  const path = sqlitePathOf(config.storeUri, o.home);
  if (path === undefined) throw new Error("the bench home must be a SQLite file");
  const writer = new SqliteWorkerPredictionLogStore(path, new SqlPredictionLogStore(platform.db));
  const log = aggregatingLog(writer, platform, workerStores(config, o.home), (m) => o.log(`warning: ${m}`));
  const telco = loadTelco();
  const inputs = telco.rows.map((cells) =>
    JSON.stringify(Object.fromEntries(cells.map((c, i) => [telco.columns[i], c]))),
  );
  const outcomes = churnOutcomes();
  const batch = o.batch ?? 5000;
  const end = Date.now() - 60_000;
  const step = (o.days * 86_400_000) / o.rows;
  const start = end - o.days * 86_400_000;
  const began = performance.now();
  let labels = 0;
  let lastReport = began;
  try {
    for (let first = 0; first < o.rows; first += batch) {
      const n = Math.min(batch, o.rows - first);
      const records: PredictionRecord[] = new Array(n);
      const feedback: FeedbackRecord[] = [];
      for (let k = 0; k < n; k++) {
        const i = first + k;
        const t = (i % inputs.length) as number;
        const time = Math.floor(start + i * step);
        const score = o.scores[t] as number;
        // One customer per request, with the id the server makes for it (a UUIDv7 of its time).
        const requestId = newRequestId(time);
        records[k] = {
          deployment: o.deployment,
          requestId,
          row: 0,
          variant: "primary",
          shadow: false,
          modelName: o.model.name,
          modelVersion: o.model.version,
          inputs: inputs[t] as string,
          score,
          label: score >= 0.5 ? "Yes" : "No",
          time,
          latencyMs: 1,
        };
        if (i % o.labelEvery === 0)
          feedback.push({
            id: randomUUID(),
            deployment: o.deployment,
            requestId,
            row: 0,
            outcome: outcomes[t] as string,
            time: time + 1000,
          });
      }
      await log.appendPredictions(records);
      if (feedback.length > 0) await log.appendFeedback(feedback);
      labels += feedback.length;
      // Hold the next batches while the aggregator thread catches up (its backlog is bounded).
      if ((first / batch) % 40 === 39) await log.sink.drain();
      if (performance.now() - lastReport > 15_000) {
        lastReport = performance.now();
        const s = (lastReport - began) / 1000;
        o.log(`  ${(first + n).toLocaleString("en-US")} rows in ${s.toFixed(0)} s`);
      }
    }
    await log.sink.drain();
  } finally {
    await log.close();
    await platform.close();
  }
  return { rows: o.rows, labels, seconds: (performance.now() - began) / 1000 };
}
