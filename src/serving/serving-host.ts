/**
 * The serving side of a process: one model loader, one prediction logger and one metrics registry
 * shared by the runtimes of every deployment it serves. `serve` hosts one deployment (stored, or an
 * ad-hoc `MODEL@ALIAS`); `up` hosts every active deployment and follows them as they change.
 */

import type { Clock } from "../core/clock.js";
import type { ReadinessCheck } from "../core/db/readiness.js";
import type { RegistryStore } from "../registry/registry-store.js";
import type { ModelRuntime } from "../runtimes/runtime.js";
import type { ArtifactStore } from "../tracking/artifacts/artifact-store.js";
import type { Deployment } from "./deployments/deployment.js";
import { DEFAULT_LOG_RETENTION_MS } from "./deployments/deployment.js";
import type { DeploymentService } from "./deployments/deployment-service.js";
import type { FeatureLookupFactory } from "./features/feature-lookup.js";
import { ServingMetrics } from "./metrics/serving-metrics.js";
import type { ResolvedModel, ResolverDeps } from "./model-resolver.js";
import { parseModelRef } from "./model-resolver.js";
import type { PredictionLogStore } from "./prediction-log/prediction-log-store.js";
import { PredictionLogger } from "./prediction-log/prediction-logger.js";
import type { PredictionSpool } from "./prediction-log/spool/prediction-spool.js";
import type { RuntimeObserver } from "./runtime/deployment-runtime.js";
import { DeploymentRuntime } from "./runtime/deployment-runtime.js";
import { ModelLoader } from "./runtime/model-loader.js";
import { ServingHeartbeat } from "./runtime/serving-heartbeat.js";

export interface ServingHostDeps {
  registry: RegistryStore;
  artifacts: ArtifactStore;
  /** Finds the logged model a version names as `models:/m-…` (MLflow 3). */
  tracking?: ResolverDeps["tracking"];
  deployments: DeploymentService;
  predictions: PredictionLogStore;
  clock: Clock;
  /** Where model packages are copied for loading. */
  cacheDir: string;
  /** The runtimes models load with (default: the native runtime only). */
  runtimes?: readonly ModelRuntime[];
  /** How often runtimes re-read their deployment and aliases (default 1 s). */
  pollMs?: number;
  /** Told about load failures and dropped log records (default: nothing). */
  warn?: (message: string) => void;
  /** Where prediction rows wait while the store is down (default: none, they are dropped). */
  spool?: PredictionSpool;
  /** Which command hosts these runtimes, for serving reports (default `up`). */
  kind?: "up" | "serve";
  /** How often serving reports are written (default 5 s). */
  reportIntervalMs?: number;
  /** Plans deployments' feature services (absent: a deployment naming one fails to load). */
  features?: FeatureLookupFactory;
}

// A deployment whose first load failed is retried after 1 s, 2, 4 ... at most 30 s (or when it changes).
const RETRY_FIRST_MS = 1000;
const RETRY_FAILED_MAX_MS = 30_000;

/** Runtimes plus what they share. */
export class ServingHost {
  readonly metrics = new ServingMetrics();
  readonly logger: PredictionLogger;
  readonly runtimes = new Map<string, DeploymentRuntime>();
  /** Writes what this process serves to the deployment store (started by {@link startReporting}). */
  readonly heartbeat: ServingHeartbeat;
  private readonly loader: ModelLoader;
  private readonly observer: RuntimeObserver;

  constructor(private readonly deps: ServingHostDeps) {
    this.loader = new ModelLoader(
      {
        registry: deps.registry,
        artifacts: deps.artifacts,
        cacheDir: deps.cacheDir,
        ...(deps.tracking ? { tracking: deps.tracking } : {}),
        ...(deps.runtimes ? { runtimes: deps.runtimes } : {}),
        ...(deps.warn ? { warn: deps.warn } : {}),
      },
      { inUse: () => this.servedModels() },
    );
    // Frequent, modest batches: rows reach the store within ~50 ms, and a store that writes on the
    // event loop (PostgreSQL's driver encodes parameters there) never pauses it for long.
    this.logger = new PredictionLogger(deps.predictions, {
      flushIntervalMs: 50,
      batchRows: 2000,
      // The stores queue writes on their side (writer thread, connection pool).
      maxWritesInFlight: 4,
      onError: (e) => deps.warn?.(`prediction log: ${(e as Error).message}`),
      ...(deps.spool ? { spool: deps.spool } : {}),
    });
    this.metrics.setLogStats(() => this.logger.stats());
    const m = this.metrics;
    this.observer = {
      modelLoaded: (l) => m.modelLoaded(l),
      modelLoadFailed: (l) => m.modelLoadFailed(l),
      setServing: (d, served, weight) => {
        m.setServing(d, served, weight);
        this.heartbeat.soon();
      },
      event: (deployment, type, message, data) => {
        if (type === "load_failed") {
          deps.warn?.(`${deployment}: ${message}`);
          this.heartbeat.soon();
        }
        // Ad-hoc deployments (serve MODEL@ALIAS) are not stored: their events only reach the warning.
        if (!this.adhoc.has(deployment)) deps.deployments.addEvent({ deployment, type, message, data }).catch(() => {});
      },
    };
    this.heartbeat = new ServingHeartbeat({
      deployments: deps.deployments,
      clock: deps.clock,
      kind: deps.kind ?? "up",
      runtimes: () => [...this.runtimes.values()].filter((rt) => !this.adhoc.has(rt.name)),
      failed: () => [...this.failed].map(([name, f]) => ({ name, message: f.message })),
      ...(deps.reportIntervalMs !== undefined ? { intervalMs: deps.reportIntervalMs } : {}),
    });
  }

  /** Start writing serving reports (after the process listens on `url`). */
  startReporting(url?: string): void {
    this.heartbeat.start(url);
  }

  private readonly adhoc = new Set<string>();
  private readonly failed = new Map<string, { time: number; generation: number; failures: number; message: string }>();

  /** The store of predictions and feedback. */
  get predictions(): PredictionLogStore {
    return this.deps.predictions;
  }

  /** Serve a stored deployment; resolves once its primary is loaded (throws when it cannot load). */
  async addDeployment(name: string): Promise<DeploymentRuntime> {
    return this.add(name, () => this.deps.deployments.get(name));
  }

  /** Serve `MODEL@ALIAS` or `MODEL/VERSION` without a stored deployment (follows the alias). */
  async addModel(ref: string): Promise<DeploymentRuntime> {
    const parsed = parseModelRef(ref);
    const name = parsed.name;
    this.adhoc.add(name);
    const now = this.deps.clock.now();
    const d: Deployment = {
      name,
      primary: ref,
      // Nothing rolls an ad-hoc model out: it follows its alias at once.
      onAliasChange: "swap",
      candidateWeight: 0,
      shadow: false,
      logSampling: 1,
      logRetentionMs: DEFAULT_LOG_RETENTION_MS,
      archiveLog: false,
      status: "active",
      generation: 0,
      createdTime: now,
      updatedTime: now,
    };
    return this.add(name, async () => d);
  }

  /** Follow the stored deployments: start active ones not yet served, stop the others. */
  async syncActive(): Promise<{ started: string[]; stopped: string[]; failed: string[] }> {
    const active = await this.deps.deployments.list({ status: "active" });
    const wanted = new Set(active.map((d) => d.name));
    const started: string[] = [];
    const failed: string[] = [];
    const stopped: string[] = [];
    const now = this.deps.clock.now();
    for (const d of active) {
      if (this.runtimes.has(d.name)) continue;
      // A deployment that failed to load is retried when it changes, or after a pause.
      const f = this.failed.get(d.name);
      if (f && f.generation === d.generation && now - f.time < retryWait(f.failures)) continue;
      try {
        await this.addDeployment(d.name);
        this.failed.delete(d.name);
        started.push(d.name);
      } catch (e) {
        const message = (e as Error).message;
        const failures = f && f.generation === d.generation ? f.failures + 1 : 1;
        this.failed.set(d.name, { time: now, generation: d.generation, failures, message });
        failed.push(d.name);
        this.deps.warn?.(`${d.name}: not served: ${message}`);
      }
    }
    for (const name of this.failed.keys()) if (!wanted.has(name)) this.failed.delete(name);
    for (const [name, rt] of this.runtimes) {
      if (wanted.has(name) || this.adhoc.has(name)) continue;
      rt.stop();
      this.runtimes.delete(name);
      stopped.push(name);
    }
    return { started, stopped, failed };
  }

  /**
   * The serving side's readiness for `up`: it listens only after the first pass loaded every active
   * deployment it could, so it is ready; one deployment that cannot load is named, not fatal (taking
   * the whole platform out of a load balancer for one bad model would stop every other deployment).
   */
  readiness(): ReadinessCheck {
    const served = [...this.runtimes.keys()].filter((n) => !this.adhoc.has(n));
    const failed = [...this.failed.keys()];
    const detail = `${served.length} deployment(s) served${failed.length ? `; not loaded: ${failed.join(", ")}` : ""}`;
    return { ok: true, detail };
  }

  /** Stop polling and write what the log still holds. */
  /** The models the deployments serve now (the loader never evicts these). */
  private *servedModels(): Iterable<ResolvedModel> {
    for (const rt of this.runtimes.values()) {
      if (!rt.ready) continue;
      const snap = rt.current;
      yield snap.primary.model;
      if (snap.candidate) yield snap.candidate.model;
    }
  }

  async close(): Promise<void> {
    for (const rt of this.runtimes.values()) rt.stop();
    await this.loader.close();
    await this.heartbeat.stop();
    await this.logger.close();
    await this.deps.predictions.close?.();
  }

  private async add(name: string, source: () => Promise<Deployment>): Promise<DeploymentRuntime> {
    const existing = this.runtimes.get(name);
    if (existing) return existing;
    const rt = new DeploymentRuntime(name, {
      source,
      loader: this.loader,
      clock: this.deps.clock,
      observer: this.observer,
      ...(this.deps.features ? { features: this.deps.features } : {}),
    });
    await rt.start();
    rt.poll(this.deps.pollMs ?? 1000);
    this.runtimes.set(name, rt);
    return rt;
  }
}

function retryWait(failures: number): number {
  return Math.min(RETRY_FIRST_MS * 2 ** (failures - 1), RETRY_FAILED_MAX_MS);
}
