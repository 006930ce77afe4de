/**
 * Keeps the window aggregates as predictions are logged: rows are added to in-memory minute and
 * hour buckets (each version's rows read back by its signature, numbers binned on its drift
 * reference's bins), which are added into the stored buckets every `flushMs`; feedback marks label
 * buckets for recomputation; old buckets are pruned. Runs wherever it is given rows: on a worker
 * thread in `up` and `serve`, in-process in tests and for in-memory stores.
 */
import type { Clock } from "../../../core/clock.js";
import type { FeedbackRecord, PredictionLogStore } from "../../../serving/prediction-log/prediction-log-store.js";
import type { AggregateSpec } from "./aggregate-spec.js";
import type { LoggedRow } from "./bucket-accumulator.js";
import { BucketAccumulator } from "./bucket-accumulator.js";
import { versionKey } from "./label-bucket.js";
import { LabelRefresher } from "./label-refresher.js";
import type { WindowBackfill } from "./window-backfill.js";
import type { WindowStore } from "./window-store.js";
import { HOUR_MS, MINUTE_MS } from "./window-store.js";

const DAY_MS = 86_400_000;

export interface WindowAggregatorOptions {
  /** How often added rows are written (default 1 s). */
  flushMs?: number;
  /** Minute buckets kept (default 3 days); older windows' edges are whole hours. */
  minuteRetentionMs?: number;
  /** Hour buckets kept (default 35 days: the longest window, 30 days, and a margin). */
  hourRetentionMs?: number;
  /** Rows of one version held while its spec loads; beyond, they are aggregated without inputs (default 200,000). */
  maxPendingRows?: number;
  /** Whether to write on a timer (default true; tests call flush). */
  timer?: boolean;
}

export interface WindowAggregatorDeps {
  store: WindowStore;
  log: Pick<PredictionLogStore, "listLabeledScores" | "feedbackTargetTimes">;
  /** A model version's aggregation plan; rejects when it cannot be known (rows then count without inputs). */
  spec(name: string, version: string): Promise<AggregateSpec>;
  clock: Clock;
  warn?: (message: string) => void;
  random?: () => number;
  /** Builds the buckets of rows logged before this process (started here; live writes wait for its bounds). */
  backfill?: WindowBackfill;
}

type SpecState = { spec: AggregateSpec } | { loading: Promise<void> } | { failedAt: number };

/** Input-less plan for a version whose signature cannot be read: rows are counted, nothing else. */
export const BARE: AggregateSpec = { signature: { task: "binary", inputs: [] }, features: [] };
const SPEC_RETRY_MS = 60_000;
const PRUNE_EVERY_MS = 600_000;

/** The aggregator of one process. */
export class WindowAggregator {
  private readonly buckets = new BucketAccumulator();
  private readonly labels: LabelRefresher;
  private readonly specs = new Map<string, SpecState>();
  private readonly pending = new Map<string, LoggedRow[]>();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly random: () => number;
  private running: Promise<void> | undefined;
  private readonly ready: Promise<void> | undefined;
  private lastPrune = 0;
  private readonly minuteRetentionMs: number;
  private readonly hourRetentionMs: number;
  private readonly maxPendingRows: number;

  constructor(
    private readonly deps: WindowAggregatorDeps,
    o: WindowAggregatorOptions = {},
  ) {
    this.random = deps.random ?? Math.random;
    this.labels = new LabelRefresher(deps.log, deps.store, this.random);
    this.minuteRetentionMs = o.minuteRetentionMs ?? 3 * DAY_MS;
    this.hourRetentionMs = o.hourRetentionMs ?? 35 * DAY_MS;
    this.maxPendingRows = o.maxPendingRows ?? 200_000;
    // Without its bounds the backfill does nothing this run (counting twice is worse than missing rows).
    this.ready = deps.backfill
      ?.start()
      .catch((e) => this.warn(new Error(`no backfill this run: ${(e as Error).message}`)));
    if (o.timer !== false) {
      this.timer = setInterval(() => void this.flush().catch((e) => this.warn(e)), o.flushMs ?? 1000);
      this.timer.unref();
    }
  }

  /** Resolves once the backfill's bounds are known (at once without a backfill; also when it failed). */
  started(): Promise<void> {
    return this.ready ?? Promise.resolve();
  }

  /** Logged rows of primaries (answered, not shadow). */
  addRows(given: readonly LoggedRow[]): void {
    const backfill = this.deps.backfill;
    // A row in a range the backfill has yet to read is its (an old row replayed from the spool).
    const rows = backfill ? given.filter((r) => !backfill.leaves(r.deployment, r.time)) : given;
    const groups = new Map<string, LoggedRow[]>();
    for (const r of rows) {
      const k = `${r.deployment}\u0000${versionKey(r.modelName, r.modelVersion)}`;
      let g = groups.get(k);
      if (!g) {
        g = [];
        groups.set(k, g);
      }
      g.push(r);
    }
    for (const g of groups.values()) this.addGroup(g);
  }

  /** Feedback just stored. */
  addFeedback(records: readonly FeedbackRecord[]): void {
    this.labels.add(records, this.deps.clock.now());
  }

  /** Write what was added, recompute labelled buckets, prune now and then. */
  flush(): Promise<void> {
    return this.enqueue(false);
  }

  /** Write everything now, labels unthrottled (tests, and before a run that must see every row). */
  drain(): Promise<void> {
    return this.enqueue(true);
  }

  /** Write everything, then stop the timer. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.deps.backfill?.stop();
    await this.enqueue(true);
  }

  /** One write at a time, in call order. */
  private enqueue(all: boolean): Promise<void> {
    const run = (this.running ?? Promise.resolve()).then(() => this.write(all));
    const settled = run.then(
      () => {},
      () => {},
    );
    this.running = settled;
    void settled.then(() => {
      if (this.running === settled) this.running = undefined;
    });
    return run;
  }

  private addGroup(rows: LoggedRow[]): void {
    const first = rows[0] as LoggedRow;
    const key = versionKey(first.modelName, first.modelVersion);
    const state = this.specs.get(key);
    if (state && "spec" in state) {
      this.buckets.add(rows, state.spec, this.floors());
      return;
    }
    if (state && "failedAt" in state && this.deps.clock.now() - state.failedAt < SPEC_RETRY_MS) {
      this.buckets.add(rows, BARE, this.floors());
      return;
    }
    const waiting = this.pending.get(key) ?? [];
    if (waiting.length + rows.length > this.maxPendingRows) {
      this.warn(new Error(`model ${first.modelName}/${first.modelVersion}: its signature is slow to load`));
      this.buckets.add(rows, BARE, this.floors());
      return;
    }
    for (const r of rows) waiting.push(r);
    this.pending.set(key, waiting);
    if (!state || !("loading" in state)) this.load(first.modelName, first.modelVersion);
  }

  private load(name: string, version: string): void {
    const key = versionKey(name, version);
    const loading = this.deps.spec(name, version).then(
      (spec) => {
        this.specs.set(key, { spec });
        this.release(key, spec);
      },
      (e: unknown) => {
        this.specs.set(key, { failedAt: this.deps.clock.now() });
        this.warn(new Error(`window aggregates of ${name}/${version} count rows only: ${(e as Error).message}`));
        this.release(key, BARE);
      },
    );
    this.specs.set(key, { loading });
  }

  private release(key: string, spec: AggregateSpec): void {
    const rows = this.pending.get(key);
    this.pending.delete(key);
    if (!rows) return;
    // Pending rows may belong to several deployments serving the same version.
    const byDeployment = new Map<string, LoggedRow[]>();
    for (const r of rows) {
      let g = byDeployment.get(r.deployment);
      if (!g) {
        g = [];
        byDeployment.set(r.deployment, g);
      }
      g.push(r);
    }
    for (const g of byDeployment.values()) this.buckets.add(g, spec, this.floors());
  }

  /** Waits for specs still loading, so the rows they hold are written too. */
  private async write(all: boolean): Promise<void> {
    await this.ready;
    if (all) await Promise.all([...this.specs.values()].map((s) => ("loading" in s ? s.loading : undefined)));
    const now = this.deps.clock.now();
    const deltas = this.buckets.take();
    try {
      await this.deps.store.addPredictions(deltas, now);
    } catch (e) {
      this.buckets.restore(deltas, this.random);
      throw e;
    }
    const { minuteFloor, hourFloor } = this.floors();
    const floors = { minute: minuteFloor, hour: hourFloor };
    if (all) await this.labels.drain(now, floors);
    else await this.labels.pass(now, floors);
    if (now - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = now;
      await this.deps.store.prune(MINUTE_MS, floors.minute - MINUTE_MS);
      await this.deps.store.prune(HOUR_MS, floors.hour - HOUR_MS);
    }
  }

  private floors() {
    const now = this.deps.clock.now();
    return {
      minuteFloor: Math.floor((now - this.minuteRetentionMs) / MINUTE_MS) * MINUTE_MS,
      hourFloor: Math.floor((now - this.hourRetentionMs) / HOUR_MS) * HOUR_MS,
      random: this.random,
    };
  }

  private warn(e: unknown): void {
    this.deps.warn?.(`window aggregates: ${(e as Error).message}`);
  }
}
