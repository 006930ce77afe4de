/**
 * A rollout controller over real SQLite stores with everything else faked: a clock the test moves,
 * a window source whose readings the test sets, a served state, scripted webhooks and recorded
 * notifications. Tests call `controller.tick()` themselves (never `start()`).
 */
import { OutboundPolicy } from "../../auth/outbound-policy.js";
import type { Database } from "../../core/db/database.js";
import { migrate } from "../../core/db/migrate.js";
import { openSqlite } from "../../core/db/sqlite/sqlite-database.js";
import { LeaseKeeper } from "../../core/leases/lease-keeper.js";
import { SqlLeaseStore } from "../../core/leases/sql/sql-lease-store.js";
import { SqlRegistryStore } from "../../registry/sql/sql-registry-store.js";
import { ALL_MIGRATIONS } from "../../server/open-platform.js";
import type { DeploymentEvent } from "../../serving/deployments/deployment.js";
import { DeploymentService } from "../../serving/deployments/deployment-service.js";
import { SqlDeploymentStore } from "../../serving/deployments/sql/sql-deployment-store.js";
import type { LabeledScore, LabeledScoreQuery } from "../../serving/prediction-log/prediction-log-store.js";
import type { BucketCounts } from "../analysis/bucket-quantile.js";
import type { VariantWindow } from "../analysis/window-checks.js";
import type { AnalysisWindow, CandidateVariant, WindowReading, WindowSource } from "../analysis/window-source.js";
import type { RolloutControllerDeps, ServedKinds, ServedState } from "../controller/rollout-controller.js";
import { RolloutController } from "../controller/rollout-controller.js";
import type { WebhookContext, WebhookOutcome } from "../hooks/webhook-client.js";
import type { RolloutNotice } from "../notify/notifier.js";
import type { Rollout, WebhookSpec, WebhookType } from "../rollout.js";
import { RolloutService } from "../rollout-service.js";
import type { RolloutSpecInput } from "../rollout-spec.js";
import { SqlRolloutStore } from "../sql/sql-rollout-store.js";

export const MODEL = "m";
export const DEPLOYMENT = "prod";
export const CANDIDATE = `${MODEL}/2`;
export const NOTIFY_URL = "http://notify.test/slack";
export const T0 = 1_700_000_000_000;

/** A clock the test moves. */
export class FakeClock {
  constructor(public t: number = T0) {}
  now = (): number => this.t;
  advance(ms: number): number {
    this.t += ms;
    return this.t;
  }
}

/** One `open` call on the fake window source. */
export interface OpenedWindow {
  deployment: string;
  variant: CandidateVariant;
  at: number;
  reads: number;
}

/** Windows whose reading is whatever `reading` holds when the window is read. */
export class FakeWindowSource implements WindowSource {
  reading: WindowReading = healthyReading();
  readonly opened: OpenedWindow[] = [];

  constructor(private readonly clock: FakeClock) {}

  async open(deployment: string, variant: CandidateVariant): Promise<AnalysisWindow> {
    const w: OpenedWindow = { deployment, variant, at: this.clock.now(), reads: 0 };
    this.opened.push(w);
    return {
      read: async () => {
        w.reads++;
        return { ...this.reading, durationMs: this.clock.now() - w.at };
      },
    };
  }

  get reads(): number {
    return this.opened.reduce((n, w) => n + w.reads, 0);
  }
}

/** The serving side the test controls. */
export class FakeServedState implements ServedState {
  serving = true;
  loaded = true;
  positive: string | undefined;
  served: ServedKinds = { primary: "binary", candidate: "binary" };
  serves = (_deployment: string): boolean => this.serving;
  candidateLoaded = (_deployment: string, _candidate: string): boolean => this.loaded;
  positiveClass = (_deployment: string): string | undefined => this.positive;
  kinds = (_deployment: string): ServedKinds => this.served;
}

/** Scripted webhook answers per type (HTTP status; 0 = no answer) and every call made. */
export class FakeWebhooks {
  readonly status: Record<WebhookType, number> = {
    "pre-rollout": 200,
    rollout: 200,
    "confirm-promotion": 200,
    "post-rollout": 200,
  };
  readonly calls: { spec: WebhookSpec; context: WebhookContext }[] = [];

  call = async (spec: WebhookSpec, context: WebhookContext): Promise<WebhookOutcome> => {
    this.calls.push({ spec, context });
    const status = this.status[spec.type];
    const passed = status >= 200 && status < 300;
    return {
      name: spec.name,
      type: spec.type,
      url: spec.url,
      passed,
      durationMs: 3,
      ...(status > 0 ? { status } : { error: "timed out" }),
      ...(status > 0 && !passed ? { error: `HTTP ${status}` } : {}),
    };
  };

  count(type: WebhookType): number {
    return this.calls.filter((c) => c.spec.type === type).length;
  }
}

/** A `listLabeledScores` the test fills. */
export class FakeLabels {
  rows: LabeledScore[] = [];
  readonly queries: LabeledScoreQuery[] = [];
  listLabeledScores = async (q: LabeledScoreQuery): Promise<LabeledScore[]> => {
    this.queries.push(q);
    return this.rows;
  };
}

/** One webhook of each type. */
export const ALL_HOOKS: WebhookSpec[] = (["pre-rollout", "rollout", "confirm-promotion", "post-rollout"] as const).map(
  (type) => ({ name: type, type, url: `http://hooks.test/${type}`, timeoutMs: 1000 }),
);

export const INTERVAL = 1000;

/** The spec most tests use: three steps, 1 s windows, two failures allowed, every hook, notifications. */
export function specInput(over: Partial<RolloutSpecInput> = {}): RolloutSpecInput {
  return {
    candidate: CANDIDATE,
    steps: [10, 50, 100],
    intervalMs: INTERVAL,
    threshold: 2,
    webhooks: ALL_HOOKS,
    notifyUrl: NOTIFY_URL,
    ...over,
  };
}

export interface Harness {
  db: Database;
  clock: FakeClock;
  registry: SqlRegistryStore;
  deployments: DeploymentService;
  store: SqlRolloutStore;
  service: RolloutService;
  windows: FakeWindowSource;
  served: FakeServedState;
  hooks: FakeWebhooks;
  notices: RolloutNotice[];
  warnings: string[];
  /** A controller over the harness (a new one per call: a restarted process). */
  controller(over?: Partial<RolloutControllerDeps>): RolloutController;
  /** The rollout started by {@link start}, as stored now. */
  rollout(): Promise<Rollout>;
  start(over?: Partial<RolloutSpecInput>): Promise<Rollout>;
  /** The deployment's rollout events, oldest first. */
  events(type?: string): Promise<DeploymentEvent[]>;
  close(): Promise<void>;
}

/** Model `m` with versions 1 and 2, champion → 1; deployment `prod` with primary `m@champion`. */
export async function openHarness(): Promise<Harness> {
  const clock = new FakeClock();
  const db = openSqlite(":memory:");
  await migrate(db, ALL_MIGRATIONS, clock.now());
  const registry = new SqlRegistryStore(db, { clock });
  await registry.createRegisteredModel({ name: MODEL });
  for (const v of [1, 2]) await registry.createModelVersion({ name: MODEL, source: `s3://b/${MODEL}/${v}` });
  await registry.setAlias({ name: MODEL, alias: "champion", version: 1 });
  const deployments = new DeploymentService({ store: new SqlDeploymentStore(db, { clock }), registry, clock });
  await deployments.create({ name: DEPLOYMENT, primary: `${MODEL}@champion` });
  const store = new SqlRolloutStore(db);
  const hooks = new FakeWebhooks();
  const notices: RolloutNotice[] = [];
  const warnings: string[] = [];
  const service = new RolloutService({
    store,
    deployments,
    registry,
    clock,
    // The fake webhooks make no request, but their URLs (hooks.test, notify.test) must be allowed;
    // a fake Prometheus listens on loopback, which is refused unless listed.
    outbound: OutboundPolicy.parse(["*.test", "127.0.0.1"]),
    callWebhook: hooks.call,
    notifierFor: () => ({ notify: async (n) => void notices.push(n) }),
    warn: (m) => warnings.push(m),
  });
  const windows = new FakeWindowSource(clock);
  const served = new FakeServedState();
  let id: string | undefined;
  return {
    db,
    clock,
    registry,
    deployments,
    store,
    service,
    windows,
    served,
    hooks,
    notices,
    warnings,
    controller: (over = {}) =>
      new RolloutController({
        store,
        leases: new LeaseKeeper({ store: new SqlLeaseStore(db), clock, periodMs: 5000 }),
        actions: service.actions,
        windows,
        served,
        clock,
        warn: (m) => warnings.push(m),
        ...over,
      }),
    rollout: () => {
      if (!id) throw new Error("no rollout started");
      return store.get(id);
    },
    start: async (over = {}) => {
      const r = await service.start(DEPLOYMENT, specInput(over));
      id = r.id;
      return r;
    },
    events: async (type) => {
      const all = (await deployments.events(DEPLOYMENT, { limit: 1000 })).reverse();
      return all.filter((e) => e.data?.rollout_id !== undefined && (type === undefined || e.type === type));
    },
    close: () => db.close(),
  };
}

// ---- Window readings ----

/** Latency bucket bounds in seconds. */
export const LATENCY_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
/** Score bucket bounds: 20 buckets of 0.05. */
export const SCORE_BOUNDS = Array.from({ length: 20 }, (_, i) => (i + 1) / 20);

function buckets(bounds: readonly number[], fill: (i: number) => number): BucketCounts {
  return { bounds, counts: Array.from({ length: bounds.length + 1 }, (_, i) => fill(i)) };
}

/** `n` requests between 5 and 10 ms. */
export function fastLatency(n: number): BucketCounts {
  return buckets(LATENCY_BOUNDS, (i) => (i === 1 ? n : 0));
}

/** `n` requests between 250 and 500 ms. */
export function slowLatency(n: number): BucketCounts {
  return buckets(LATENCY_BOUNDS, (i) => (i === 6 ? n : 0));
}

/** `perBucket` scores in each of the 20 score buckets (none above 1). */
export function uniformScores(perBucket: number): BucketCounts {
  return buckets(SCORE_BOUNDS, (i) => (i < SCORE_BOUNDS.length ? perBucket : 0));
}

/** `n` scores, all in the top bucket. */
export function topScores(n: number): BucketCounts {
  return buckets(SCORE_BOUNDS, (i) => (i === SCORE_BOUNDS.length - 1 ? n : 0));
}

export function variant(requests: number, over: Partial<VariantWindow> = {}): VariantWindow {
  return { requests, errors: 0, latency: fastLatency(requests), scores: uniformScores(requests / 20), ...over };
}

/** Primary 1000 requests, candidate 200, same latency and score distribution, no errors. */
export function healthyReading(candidate: Partial<VariantWindow> = {}): WindowReading {
  return { primary: variant(1000), candidate: variant(200, candidate), durationMs: INTERVAL };
}
