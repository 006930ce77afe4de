/**
 * Keeps label buckets current: feedback names the predictions it labels, so it marks their minute
 * and hour buckets dirty; a dirty bucket is recomputed from the log's own join of predictions and
 * feedback (the latest outcome per prediction), which makes a recomputation idempotent and exact
 * however feedback arrives. Feedback that arrives before its prediction is logged waits a while.
 */
import type { FeedbackRecord, PredictionLogStore } from "../../../serving/prediction-log/prediction-log-store.js";
import { LABEL_SAMPLE_ROWS, labelBuckets, splitVersionKey } from "./label-bucket.js";
import type { SpanMs, StoredLabels, WindowStore } from "./window-store.js";
import { HOUR_MS, MINUTE_MS } from "./window-store.js";

export interface LabelRefresherOptions {
  /** How long feedback whose prediction is not logged yet is looked for again (default 2 min). */
  retryMs?: number;
  /** An hour bucket is recomputed at most this often (default 30 s): its labels come from a whole hour of rows. */
  hourEveryMs?: number;
  /** Work one pass may do before leaving the rest to the next (default 500 ms). */
  passBudgetMs?: number;
}

/** Most labels one bucket's recomputation reads (far above any real bucket; the join takes a limit). */
const MAX_BUCKET_LABELS = 50_000_000;

/** A label bucket to recompute (all versions of one deployment, span and start). */
export interface LabelSpan {
  deployment: string;
  spanMs: SpanMs;
  start: number;
}

/** Feedback in, label buckets out. */
export class LabelRefresher {
  private waiting: { record: FeedbackRecord; since: number }[] = [];
  private readonly dirty = new Map<string, LabelSpan>();
  private readonly lastHourRun = new Map<string, number>();
  private readonly retryMs: number;
  private readonly hourEveryMs: number;
  private readonly passBudgetMs: number;

  constructor(
    private readonly log: Pick<PredictionLogStore, "listLabeledScores" | "feedbackTargetTimes">,
    private readonly store: WindowStore,
    private readonly random: () => number,
    o: LabelRefresherOptions = {},
  ) {
    this.retryMs = o.retryMs ?? 120_000;
    this.hourEveryMs = o.hourEveryMs ?? 30_000;
    this.passBudgetMs = o.passBudgetMs ?? 500;
  }

  /** Feedback just stored. */
  add(records: readonly FeedbackRecord[], now: number): void {
    for (const record of records) this.waiting.push({ record, since: now });
  }

  /** Feedback not yet matched to a logged prediction, and buckets waiting for recomputation. */
  get backlog(): { feedback: number; buckets: number } {
    return { feedback: this.waiting.length, buckets: this.dirty.size };
  }

  /** Find the buckets new feedback labels, then recompute the dirty ones (within the pass budget). */
  async pass(now: number, floors: { minute: number; hour: number }): Promise<void> {
    await this.locate(now, floors);
    const started = performance.now();
    for (const [k, d] of [...this.dirty]) {
      if (performance.now() - started > this.passBudgetMs) return;
      if (d.spanMs === HOUR_MS && now - (this.lastHourRun.get(k) ?? Number.NEGATIVE_INFINITY) < this.hourEveryMs) {
        continue;
      }
      this.dirty.delete(k);
      try {
        await this.recompute(d, now);
        if (d.spanMs === HOUR_MS) this.lastHourRun.set(k, now);
      } catch (e) {
        this.dirty.set(k, d);
        throw e;
      }
    }
    for (const [k, t] of this.lastHourRun) if (now - t > this.hourEveryMs) this.lastHourRun.delete(k);
  }

  /** Every dirty bucket now, ignoring the hour throttle (for a final write and for tests). */
  async drain(now: number, floors: { minute: number; hour: number }): Promise<void> {
    await this.locate(now, floors);
    for (const [k, d] of [...this.dirty]) {
      await this.recompute(d, now);
      this.dirty.delete(k);
    }
  }

  private async locate(now: number, floors: { minute: number; hour: number }): Promise<void> {
    if (this.waiting.length === 0) return;
    const batch = this.waiting;
    this.waiting = [];
    let times: (number | undefined)[];
    try {
      times = await this.log.feedbackTargetTimes(batch.map((w) => w.record));
    } catch (e) {
      this.waiting.unshift(...batch);
      throw e;
    }
    batch.forEach((w, i) => {
      const t = times[i];
      if (t === undefined) {
        if (now - w.since < this.retryMs) this.waiting.push(w);
        return;
      }
      if (t >= floors.minute) this.mark(w.record.deployment, MINUTE_MS, t);
      if (t >= floors.hour) this.mark(w.record.deployment, HOUR_MS, t);
    });
  }

  private mark(deployment: string, spanMs: SpanMs, t: number): void {
    const start = Math.floor(t / spanMs) * spanMs;
    this.dirty.set(`${deployment}\u0000${spanMs}\u0000${start}`, { deployment, spanMs, start });
  }

  /** Recompute one bucket's label buckets from the log now (idempotent). */
  async recompute(d: LabelSpan, now: number): Promise<void> {
    const labels = await this.log.listLabeledScores({
      deployment: d.deployment,
      since: d.start,
      until: d.start + d.spanMs,
      limit: MAX_BUCKET_LABELS,
    });
    const capacity = d.spanMs === MINUTE_MS ? LABEL_SAMPLE_ROWS.minute : LABEL_SAMPLE_ROWS.hour;
    const buckets: StoredLabels[] = [];
    for (const [version, bucket] of labelBuckets(labels, capacity, this.random)) {
      const [modelName, modelVersion] = splitVersionKey(version);
      buckets.push({
        key: { deployment: d.deployment, spanMs: d.spanMs, start: d.start, modelName, modelVersion },
        bucket,
      });
    }
    await this.store.putLabels(buckets, now);
  }
}
