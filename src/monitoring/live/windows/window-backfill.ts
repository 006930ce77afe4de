/**
 * Builds the window buckets of predictions logged before the aggregates kept them (a home upgraded
 * from a version without them): per deployment, its rows before a recorded bound are read back
 * from the log in small batches, oldest first, and added into the buckets; the live path takes the
 * rows after the bound. Each batch's buckets commit with the progress, so a restart resumes where
 * it stopped and a batch two processes both build is added once (the second commit finds the
 * progress moved). Runs on the aggregator's thread, pausing between batches.
 *
 * The boundary: a deployment's bound is recorded before this process logs anything (its appends
 * wait for it): the start, or its oldest hour bucket when it has buckets already (rows from there
 * on were aggregated live by an earlier process). Rows of this process are logged after the start,
 * so each row is either before the bound (built here) or after it (live). A row before the bound
 * that reaches the live path anyway (replayed from the spool) is left to the backfill while the
 * backfill has yet to read its range, and taken live once it has.
 */
import type { Clock } from "../../../core/clock.js";
import type { PredictionLogStore } from "../../../serving/prediction-log/prediction-log-store.js";
import type { AggregateSpec } from "./aggregate-spec.js";
import type { BackfillState, BackfillStore } from "./backfill-store.js";
import type { LoggedRow } from "./bucket-accumulator.js";
import { BucketAccumulator } from "./bucket-accumulator.js";
import { monitoredRows } from "./in-process-sink.js";
import { versionKey } from "./label-bucket.js";
import { LabelRefresher } from "./label-refresher.js";
import { BARE } from "./window-aggregator.js";
import type { SpanMs, WindowStore } from "./window-store.js";
import { HOUR_MS, MINUTE_MS } from "./window-store.js";

const DAY_MS = 86_400_000;
/** Rows of one millisecond read at once when a batch is all one millisecond. */
const MAX_SAME_TIME = 10_000_000;

export interface WindowBackfillDeps {
  store: BackfillStore;
  windows: WindowStore;
  log: Pick<PredictionLogStore, "listPredictions" | "listFeedback" | "listLabeledScores" | "feedbackTargetTimes">;
  spec(name: string, version: string): Promise<AggregateSpec>;
  clock: Clock;
  /** When this process began logging: rows logged from then on reach the live path. */
  startedAt: number;
  /** Progress lines (start, each deployment finished). */
  note?: (message: string) => void;
  warn?: (message: string) => void;
  random?: () => number;
}

export interface WindowBackfillOptions {
  /** Rows read per batch (default 2,000). */
  batchRows?: number;
  /** Waited between batches, so live aggregation and other work run between them (default 10 ms). */
  pause?: () => Promise<void>;
  /** Waited after a failed batch before trying again (default 30 s). */
  retryMs?: number;
  /** As the aggregator's: rows older than these get no minute (hour) bucket. */
  minuteRetentionMs?: number;
  hourRetentionMs?: number;
}

/** The backfill of one aggregating process. */
export class WindowBackfill {
  private readonly progress = new Map<string, BackfillState>();
  private readonly specs = new Map<string, Promise<AggregateSpec>>();
  private readonly labels: LabelRefresher;
  private running: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly deps: WindowBackfillDeps,
    private readonly o: WindowBackfillOptions = {},
  ) {
    this.labels = new LabelRefresher(deps.log, deps.windows, deps.random ?? Math.random);
  }

  /**
   * Record (or read) every deployment's bound, then build in the background. Resolves once the
   * bounds are known: live writes must wait for it (a bound is taken from the buckets stored before).
   */
  async start(): Promise<void> {
    const now = this.deps.clock.now();
    const states = await this.deps.store.begin(this.deps.startedAt, now);
    const pending = states.filter((s) => s.doneTime === undefined);
    for (const s of pending) this.progress.set(s.deployment, s);
    if (pending.length === 0) return;
    this.deps.note?.(
      `window aggregates: building the buckets of earlier predictions from the prediction log (${pending
        .map((s) => s.deployment)
        .join(", ")})`,
    );
    this.running = this.run(pending);
  }

  /** True for a row the live path must leave out: the backfill has yet to read its time range. */
  leaves(deployment: string, time: number): boolean {
    const s = this.progress.get(deployment);
    return s !== undefined && time >= s.next && time < s.until;
  }

  /** Deployments still being built, with their progress. */
  pending(): BackfillState[] {
    return [...this.progress.values()];
  }

  /** Resolves when this run has built every deployment it started with (or was stopped). */
  async finished(): Promise<void> {
    await this.running;
  }

  /** Stop after the batch under way (what is committed stays; the next start resumes). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  private async run(states: BackfillState[]): Promise<void> {
    let noted = Date.now();
    for (let s of states) {
      while (!this.stopped) {
        try {
          const after = await this.batch(s);
          if (!after || after.doneTime !== undefined) {
            this.progress.delete(s.deployment);
            if (after) this.deps.note?.(this.finishedLine(after));
            break;
          }
          s = after;
          this.progress.set(s.deployment, s);
          // A long backfill says how far it got once a minute.
          if (Date.now() - noted >= 60_000) {
            noted = Date.now();
            const through = new Date(s.next).toISOString();
            this.deps.note?.(
              `window aggregates: building ${s.deployment}: ${s.rows} earlier predictions, through ${through}`,
            );
          }
          await (this.o.pause ?? (() => new Promise<void>((r) => setTimeout(r, 10))))();
        } catch (e) {
          this.deps.warn?.(`window aggregates: building ${s.deployment}'s earlier buckets: ${(e as Error).message}`);
          await this.sleep(this.o.retryMs ?? 30_000);
        }
      }
    }
  }

  private finishedLine(s: BackfillState): string {
    return `window aggregates: built the buckets of deployment ${s.deployment} from ${s.rows} earlier predictions`;
  }

  /** One batch from `s.next` on; the state after it (another process's, when it moved first). */
  private async batch(s: BackfillState): Promise<BackfillState | undefined> {
    const now = this.deps.clock.now();
    const floors = this.floors(now);
    const since = Math.max(s.next, floors.hourFloor);
    const { rows, next } = await this.read(s.deployment, since, s.until);
    const done = next >= s.until;
    const monitored = monitoredRows(rows);
    const buckets = new BucketAccumulator();
    for (const group of byVersion(monitored)) {
      const first = group[0] as LoggedRow;
      buckets.add(group, await this.spec(first.modelName, first.modelVersion), floors);
    }
    const deltas = buckets.take();
    // Labels are recomputed whole from the log (idempotent): safe before the commit, and redone on a resume.
    if (deltas.length > 0 && (await this.deps.log.listFeedback({ deployment: s.deployment, limit: 1 })).length > 0) {
      // One recomputation per bucket, whatever the number of versions in it.
      const spans = new Map(deltas.map((d) => [`${d.key.spanMs}:${d.key.start}`, d.key]));
      for (const k of spans.values()) {
        await this.labels.recompute({ deployment: s.deployment, spanMs: k.spanMs, start: k.start }, now);
      }
    }
    const moved = {
      deployment: s.deployment,
      from: s.next,
      next: Math.min(next, s.until),
      rows: monitored.length,
      done,
    };
    if (!(await this.deps.store.commit(moved, deltas, now))) return this.deps.store.state(s.deployment);
    return { ...s, next: moved.next, rows: s.rows + moved.rows, ...(done ? { doneTime: now } : {}) };
  }

  /** The batch's rows and where the next starts; never splits one millisecond's rows. */
  private async read(deployment: string, since: number, until: number) {
    const limit = this.o.batchRows ?? 2_000;
    const rows = await this.deps.log.listPredictions({ deployment, since, until, variant: "primary", limit });
    if (rows.length < limit) return { rows, next: until };
    const last = (rows[rows.length - 1] as { time: number }).time;
    if ((rows[0] as { time: number }).time < last) return { rows: rows.filter((r) => r.time < last), next: last };
    const same = await this.deps.log.listPredictions({
      deployment,
      since: last,
      until: last + 1,
      variant: "primary",
      limit: MAX_SAME_TIME,
    });
    return { rows: same, next: last + 1 };
  }

  private spec(name: string, version: string): Promise<AggregateSpec> {
    const key = versionKey(name, version);
    let p = this.specs.get(key);
    if (!p) {
      p = this.deps.spec(name, version).catch((e: unknown) => {
        this.deps.warn?.(`window aggregates of ${name}/${version} count rows only: ${(e as Error).message}`);
        return BARE;
      });
      this.specs.set(key, p);
    }
    return p;
  }

  private floors(now: number) {
    const floor = (t: number, span: SpanMs) => Math.floor(t / span) * span;
    return {
      minuteFloor: floor(now - (this.o.minuteRetentionMs ?? 3 * DAY_MS), MINUTE_MS),
      hourFloor: floor(now - (this.o.hourRetentionMs ?? 35 * DAY_MS), HOUR_MS),
      random: this.deps.random ?? Math.random,
    };
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}

function byVersion(rows: readonly LoggedRow[]): LoggedRow[][] {
  const groups = new Map<string, LoggedRow[]>();
  for (const r of rows) {
    const k = versionKey(r.modelName, r.modelVersion);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return [...groups.values()];
}
