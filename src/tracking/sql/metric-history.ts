/** Metric history reads: keyset-paged history, bulk interval sampling, dataset summaries. */
import type { DatasetSummary, Metric, MetricWithRunId } from "../../core/api/mlflow-entities.js";
import { fromWireDouble, toWireDouble } from "../../core/api/mlflow-entities.js";
import type { Database } from "../../core/db/database.js";
import { invalidParam } from "../../core/errors.js";
import type { Page } from "../../core/page.js";
import type { MetricRow } from "./rows.js";
import { placeholders, toMetric } from "./rows.js";

/** The last point returned: (step, timestamp, value, is_nan) is unique within a series. */
type Cursor = [step: number, timestamp: number, value: number, isNan: number];

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c[0], c[1], toWireDouble(c[2]), c[3]])).toString("base64url");
}

function decodeCursor(token: string | undefined): Cursor | undefined {
  if (!token) return undefined;
  try {
    const c = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(c) && c.length === 4) {
      const cur: Cursor = [c[0], c[1], fromWireDouble(c[2]), c[3]];
      if (cur.every((n) => typeof n === "number" && !Number.isNaN(n))) return cur;
    }
  } catch {}
  throw invalidParam(`Invalid page token '${token.slice(0, 40)}': it does not come from this server.`);
}

const COLUMNS = "step, timestamp, value, is_nan";

/** Reads over the metrics table. */
export class MetricHistory {
  constructor(private readonly db: Database) {}

  private async seriesId(runId: string, key: string): Promise<number | undefined> {
    const row = await this.db.get<{ series_id: number }>(
      "SELECT series_id FROM latest_metrics WHERE run_uuid = ? AND key = ?",
      [runId, key],
    );
    return row === undefined ? undefined : Number(row.series_id);
  }

  /** One page in (step, timestamp, value) order, by keyset: no page reads the ones before it. */
  async page(runId: string, key: string, limit: number, token?: string): Promise<Page<Metric>> {
    if (limit < 1) throw invalidParam(`Invalid value ${limit} for parameter 'max_results': expected at least 1.`);
    const c = decodeCursor(token);
    const series = await this.seriesId(runId, key);
    if (series === undefined) return { items: [] };
    const rows = c
      ? await this.db.all<MetricRow>(
          `SELECT ${COLUMNS} FROM metrics WHERE series_id = ? AND (${COLUMNS}) > (?, ?, ?, ?)
           ORDER BY ${COLUMNS} LIMIT ?`,
          [series, ...c, limit + 1],
        )
      : await this.db.all<MetricRow>(`SELECT ${COLUMNS} FROM metrics WHERE series_id = ? ORDER BY ${COLUMNS} LIMIT ?`, [
          series,
          limit + 1,
        ]);
    const items = rows.slice(0, limit).map((r) => toMetric({ ...r, key }));
    if (rows.length <= limit) return { items };
    const last = rows[limit - 1] as MetricRow;
    return { items, nextPageToken: encodeCursor([last.step, last.timestamp, last.value, last.is_nan]) };
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
    const ranged = q.startStep !== undefined && q.endStep !== undefined;
    for (const runId of q.runIds) {
      const series = await this.seriesId(runId, q.key);
      if (series === undefined) continue;
      const range = ranged ? " AND step >= ? AND step <= ?" : "";
      const args = ranged ? [series, q.startStep as number, q.endStep as number] : [series];
      const steps = await this.db.all<{ step: number }>(
        `SELECT DISTINCT step FROM metrics WHERE series_id = ?${range} ORDER BY step`,
        args,
      );
      const chosen = sampleSteps(
        steps.map((s) => Number(s.step)),
        q.maxResults,
      );
      if (chosen.length === 0) continue;
      const rows = await this.db.all<MetricRow>(
        `SELECT ${COLUMNS} FROM metrics WHERE series_id = ? AND step IN (${placeholders(chosen.length)}) ORDER BY ${COLUMNS}`,
        [series, ...chosen],
      );
      for (const r of rows) out.push({ ...toMetric({ ...r, key: q.key }), run_id: runId });
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

/** Evenly spaced steps, always keeping the first and last. */
export function sampleSteps(steps: readonly number[], max: number): number[] {
  if (steps.length <= max) return [...steps];
  if (max === 1) return [steps[0] as number];
  const out: number[] = [];
  for (let i = 0; i < max; i++) out.push(steps[Math.round((i * (steps.length - 1)) / (max - 1))] as number);
  return [...new Set(out)];
}
