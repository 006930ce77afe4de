/** Metric history reads: keyset-paged history, bulk interval sampling, dataset summaries. */
import type { DatasetSummary, Metric, MetricWithRunId } from "../../core/api/mlflow-entities.js";
import type { Database } from "../../core/db/database.js";
import { invalidParam } from "../../core/errors.js";
import type { Page } from "../../core/page.js";
import type { MetricRow } from "./rows.js";
import { placeholders, toMetric } from "./rows.js";

interface Cursor {
  step: number;
  ts: number;
  skip: number;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString("base64url");
}

function decodeCursor(token: string | undefined): Cursor | undefined {
  if (!token) return undefined;
  try {
    const c = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as Cursor;
    if ([c.step, c.ts, c.skip].every((n) => Number.isSafeInteger(n)) && c.skip >= 0) return c;
  } catch {}
  throw invalidParam(`Invalid page token '${token.slice(0, 40)}': it does not come from this server.`);
}

/** Reads over the metrics table. */
export class MetricHistory {
  constructor(private readonly db: Database) {}

  /**
   * One page in (step, timestamp, value) order. The cursor is the last (step, timestamp) seen plus
   * how many rows at exactly that position were already returned, so pages never load the
   * history before them.
   */
  async page(runId: string, key: string, limit: number, token?: string): Promise<Page<Metric>> {
    if (limit < 1) throw invalidParam(`Invalid value ${limit} for parameter 'max_results': expected at least 1.`);
    const c = decodeCursor(token);
    const rows = c
      ? await this.db.all<MetricRow>(
          `SELECT key, value, is_nan, timestamp, step FROM metrics WHERE run_uuid = ? AND key = ? AND (step, timestamp) >= (?, ?)
           ORDER BY step, timestamp, is_nan, value LIMIT ? OFFSET ?`,
          [runId, key, c.step, c.ts, limit + 1, c.skip],
        )
      : await this.db.all<MetricRow>(
          `SELECT key, value, is_nan, timestamp, step FROM metrics WHERE run_uuid = ? AND key = ?
           ORDER BY step, timestamp, is_nan, value LIMIT ?`,
          [runId, key, limit + 1],
        );
    const more = rows.length > limit;
    const items = rows.slice(0, limit);
    if (!more) return { items: items.map(toMetric) };
    return { items: items.map(toMetric), nextPageToken: encodeCursor(nextCursor(items, c)) };
  }

  /** Up to `maxResults` points per run, spread evenly over the steps in range (MLflow's UI sampling). */
  async bulkInterval(q: {
    runIds: readonly string[];
    key: string;
    startStep?: number;
    endStep?: number;
    maxResults: number;
  }): Promise<MetricWithRunId[]> {
    const out: MetricWithRunId[] = [];
    for (const runId of q.runIds) {
      const range = q.startStep !== undefined && q.endStep !== undefined ? " AND step >= ? AND step <= ?" : "";
      const args = range ? [runId, q.key, q.startStep as number, q.endStep as number] : [runId, q.key];
      const steps = await this.db.all<{ step: number }>(
        `SELECT DISTINCT step FROM metrics WHERE run_uuid = ? AND key = ?${range} ORDER BY step`,
        args,
      );
      const chosen = sampleSteps(
        steps.map((s) => Number(s.step)),
        q.maxResults,
      );
      if (chosen.length === 0) continue;
      const rows = await this.db.all<MetricRow>(
        `SELECT key, value, is_nan, timestamp, step FROM metrics WHERE run_uuid = ? AND key = ? AND step IN (${placeholders(chosen.length)})
         ORDER BY step, timestamp`,
        [runId, q.key, ...chosen],
      );
      for (const r of rows) out.push({ ...toMetric(r), run_id: runId });
    }
    return out;
  }

  /** Distinct (experiment, name, digest, context) of the datasets logged in some experiments. */
  async searchDatasets(experimentIds: readonly string[]): Promise<DatasetSummary[]> {
    const ids = experimentIds.map(Number).filter((n) => Number.isSafeInteger(n));
    if (ids.length === 0) return [];
    const rows = await this.db.all<{ experiment_id: number; name: string; digest: string; context: string | null }>(
      `SELECT DISTINCT d.experiment_id, d.name, d.digest, t.value AS context
       FROM datasets d JOIN run_inputs i ON i.dataset_uuid = d.dataset_uuid
       LEFT JOIN run_input_tags t ON t.run_uuid = i.run_uuid AND t.dataset_uuid = d.dataset_uuid AND t.key = 'mlflow.data.context'
       WHERE d.experiment_id IN (${placeholders(ids.length)}) ORDER BY d.experiment_id, d.name, d.digest`,
      ids,
    );
    return rows.map((r) => {
      const s: DatasetSummary = { experiment_id: String(r.experiment_id), name: r.name, digest: r.digest };
      if (r.context !== null) s.context = r.context;
      return s;
    });
  }
}

function nextCursor(items: readonly MetricRow[], prev: Cursor | undefined): Cursor {
  const last = items[items.length - 1] as MetricRow;
  let same = 0;
  for (
    let i = items.length - 1;
    i >= 0 && items[i]?.step === last.step && items[i]?.timestamp === last.timestamp;
    i--
  ) {
    same++;
  }
  const continued = prev && same === items.length && prev.step === last.step && prev.ts === last.timestamp;
  return { step: last.step, ts: last.timestamp, skip: continued ? prev.skip + same : same };
}

/** Evenly spaced steps, always keeping the first and last. */
export function sampleSteps(steps: readonly number[], max: number): number[] {
  if (steps.length <= max) return [...steps];
  if (max === 1) return [steps[0] as number];
  const out: number[] = [];
  for (let i = 0; i < max; i++) out.push(steps[Math.round((i * (steps.length - 1)) / (max - 1))] as number);
  return [...new Set(out)];
}
