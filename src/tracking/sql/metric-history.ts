/** Metric history reads: keyset-paged history, bulk interval sampling, dataset summaries. */
import type { DatasetSummary, Metric, MetricWithRunId } from "../../core/api/mlflow-entities.js";
import { fromWireDouble, toWireDouble } from "../../core/api/mlflow-entities.js";
import type { Database } from "../../core/db/database.js";
import { invalidParam } from "../../core/errors.js";
import type { Page } from "../../core/page.js";
import type { BulkIntervalQuery, DownsampledHistory } from "../tracking-store.js";
import type { Points } from "./metric-chunk.js";
import { comparePoint } from "./metric-chunk.js";
import { scanChunks } from "./metric-chunk-store.js";
import { downsampleSeries } from "./metric-downsample.js";
import { placeholders } from "./rows.js";

/** The last point returned: (step, timestamp, value) is unique within a series. */
type Cursor = [step: number, timestamp: number, value: number];

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c[0], c[1], toWireDouble(c[2])])).toString("base64url");
}

function decodeCursor(token: string | undefined): Cursor | undefined {
  if (!token) return undefined;
  try {
    const c = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(c) && c.length === 3 && Number.isSafeInteger(c[0]) && Number.isSafeInteger(c[1])) {
      const value = fromWireDouble(c[2]);
      if (typeof value === "number") return [c[0], c[1], value];
    }
  } catch {}
  throw invalidParam(`Invalid page token '${token.slice(0, 40)}': it does not come from this server.`);
}

function toWire(key: string, p: Points, i: number): Metric {
  return { key, value: toWireDouble(p.value[i] as number), timestamp: p.ts[i] as number, step: p.step[i] as number };
}

/** Reads of metric history. */
export class MetricHistory {
  constructor(private readonly db: Database) {}

  private async seriesId(runId: string, key: string): Promise<number | undefined> {
    const row = await this.db.get<{ series_id: number }>(
      "SELECT series_id FROM latest_metrics WHERE run_uuid = ? AND key = ?",
      [runId, key],
    );
    return row === undefined ? undefined : Number(row.series_id);
  }

  /** One page in (step, timestamp, value) order; a page reads only the chunks it returns. */
  async page(runId: string, key: string, limit: number, token?: string): Promise<Page<Metric>> {
    if (limit < 1) throw invalidParam(`Invalid value ${limit} for parameter 'max_results': expected at least 1.`);
    const c = decodeCursor(token);
    const series = await this.seriesId(runId, key);
    if (series === undefined) return { items: [] };
    const items: Metric[] = [];
    let last: Cursor | undefined;
    let more = false;
    scan: for await (const p of scanChunks(this.db, series, c ? { step: c[0], ts: c[1] } : undefined)) {
      for (let i = 0; i < p.step.length; i++) {
        if (c && comparePoint(p.step[i] as number, p.ts[i] as number, p.value[i] as number, ...c) <= 0) continue;
        if (items.length === limit) {
          more = true;
          break scan;
        }
        items.push(toWire(key, p, i));
        last = [p.step[i] as number, p.ts[i] as number, p.value[i] as number];
      }
    }
    return more && last ? { items, nextPageToken: encodeCursor(last) } : { items };
  }

  /** The history reduced to at most `maxPoints` step buckets (see metric-downsample.ts). */
  async downsampled(runId: string, key: string, maxPoints: number): Promise<DownsampledHistory> {
    const series = await this.seriesId(runId, key);
    if (series === undefined) return { totalPoints: 0, downsampled: false, points: [] };
    return downsampleSeries(this.db, series, maxPoints);
  }

  /** Up to `maxResults` points per run, spread evenly over the steps in range (MLflow's UI sampling). */
  async bulkInterval(q: BulkIntervalQuery): Promise<MetricWithRunId[]> {
    const out: MetricWithRunId[] = [];
    const lo = q.startStep ?? Number.NEGATIVE_INFINITY;
    const hi = q.endStep ?? Number.POSITIVE_INFINITY;
    for (const runId of q.runIds) {
      const series = await this.seriesId(runId, q.key);
      if (series === undefined) continue;
      const chunks: Points[] = [];
      const steps: number[] = [];
      for await (const p of scanChunks(
        this.db,
        series,
        Number.isFinite(lo) ? { step: lo, ts: Number.MIN_SAFE_INTEGER } : undefined,
      )) {
        chunks.push(p);
        for (const s of p.step) if (s >= lo && s <= hi && steps[steps.length - 1] !== s) steps.push(s);
        if ((p.step[p.step.length - 1] as number) > hi) break;
      }
      const chosen = new Set(sampleSteps(steps, q.maxResults));
      for (const p of chunks) {
        for (let i = 0; i < p.step.length; i++) {
          if (chosen.has(p.step[i] as number)) out.push({ ...toWire(q.key, p, i), run_id: runId });
        }
      }
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
