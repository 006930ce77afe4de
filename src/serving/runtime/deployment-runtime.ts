/**
 * Keeps one deployment's models loaded and current. It re-reads the deployment (and the aliases it
 * follows) on a timer or on demand, loads what changed off the request path, and swaps the whole
 * snapshot at once: requests in flight keep the snapshot they started with, so a change never fails
 * them. A model that fails to load never replaces the one serving; the failure is reported.
 */
import type { Clock } from "../../core/clock.js";
import { MwError } from "../../core/errors.js";
import type { Deployment } from "../deployments/deployment.js";
import type { FeatureLookup, FeatureLookupFactory } from "../features/feature-lookup.js";
import type { ModelRef, ResolvedModel } from "../model-resolver.js";
import { parseModelRef } from "../model-resolver.js";
import type { ServingSnapshot } from "./serving-snapshot.js";
import { makeSnapshot } from "./serving-snapshot.js";

/** Where models come from: {@link ModelLoader} in servers, a fixed set in tests. */
export interface ModelSource {
  /** The version a reference names now. */
  lookup(ref: ModelRef): Promise<string>;
  /** A loaded, warmed-up version. */
  load(name: string, version: string): Promise<ResolvedModel>;
}

/** Where the runtime reports loads, failures and what it serves (metrics, events). */
export interface RuntimeObserver {
  modelLoaded?(labels: { deployment: string; model: string; version: string }): void;
  modelLoadFailed?(labels: { deployment: string; model: string }): void;
  setServing?(
    deployment: string,
    served: { variant: string; model: string; version: string }[],
    candidateWeight: number,
  ): void;
  event?(deployment: string, type: string, message: string, data: Record<string, unknown>): void;
}

export interface RuntimeDeps {
  /** Reads the deployment as stored now. */
  source: () => Promise<Deployment>;
  loader: ModelSource;
  clock: Clock;
  observer?: RuntimeObserver;
  /**
   * Longest wait before retrying a target that failed to load (default 30 s). The first retry
   * comes after 1 s, then 2, 4, ... up to this: a file that vanished from the serving cache is
   * fetched again at once, a model that cannot load is not retried in a loop.
   */
  retryAfterMs?: number;
  /** Plans a deployment's feature service (absent: deployments with one fail to load). */
  features?: FeatureLookupFactory;
}

interface Target {
  deployment: Deployment;
  primary: { name: string; version: string };
  candidate?: { name: string; version: string };
}

/** One deployment's live models. */
export class DeploymentRuntime {
  private snap: ServingSnapshot | undefined;
  private refreshing: Promise<boolean> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly failedUntil = new Map<string, { until: number; failures: number }>();
  /** The latest failure while it is the latest outcome (cleared by a successful refresh), for status reports. */
  lastError: { time: number; message: string } | undefined;

  constructor(
    readonly name: string,
    private readonly deps: RuntimeDeps,
  ) {}

  /** What is served now; throws before the first successful load. */
  get current(): ServingSnapshot {
    if (!this.snap) throw new MwError("TEMPORARILY_UNAVAILABLE", `Deployment '${this.name}' is not loaded yet.`);
    return this.snap;
  }

  /** True once a snapshot is serving. */
  get ready(): boolean {
    return this.snap !== undefined;
  }

  /** First load: the primary must load (else this throws); a failing candidate is reported and left out. */
  async start(): Promise<ServingSnapshot> {
    const target = await this.resolveTarget();
    const primary = await this.loadOrReport(target.primary);
    let candidate: ResolvedModel | undefined;
    if (target.candidate) candidate = await this.loadOrReport(target.candidate).catch(() => undefined);
    const features = await this.lookupFor(target.deployment).catch((e: unknown) => {
      this.noteError(e);
      throw e;
    });
    this.swap(target, primary, candidate, features);
    return this.current;
  }

  /** Re-read and apply changes; resolves true when the snapshot changed. Never throws. */
  refresh(): Promise<boolean> {
    if (!this.refreshing) {
      this.refreshing = this.apply()
        .catch((e) => {
          this.noteError(e);
          return false;
        })
        .finally(() => {
          this.refreshing = undefined;
        });
    }
    return this.refreshing;
  }

  /** Refresh every `intervalMs` until {@link stop}. */
  poll(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => void this.refresh(), intervalMs);
    this.timer.unref();
  }

  /** Stop polling. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async apply(): Promise<boolean> {
    const target = await this.resolveTarget();
    const cur = this.snap;
    if (cur && sameTarget(cur, target)) {
      this.lastError = undefined;
      if (cur.generation === target.deployment.generation) return false;
      // Only routing settings changed: no load needed.
      this.swap(target, cur.primary.model, cur.candidate?.model, await this.lookupFor(target.deployment));
      return true;
    }
    const key = targetKey(target);
    const failed = this.failedUntil.get(key);
    if (failed && failed.until > this.deps.clock.now()) return false;
    try {
      const primary = await this.load(target.primary);
      const candidate = target.candidate ? await this.load(target.candidate) : undefined;
      this.swap(target, primary, candidate, await this.lookupFor(target.deployment));
      this.failedUntil.delete(key);
      this.lastError = undefined;
      return true;
    } catch (e) {
      const failures = (failed?.failures ?? 0) + 1;
      const wait = Math.min(1000 * 2 ** (failures - 1), this.deps.retryAfterMs ?? 30_000);
      this.failedUntil.set(key, { until: this.deps.clock.now() + wait, failures });
      throw e;
    }
  }

  private async resolveTarget(): Promise<Target> {
    const deployment = await this.deps.source();
    const lookup = async (text: string) => {
      const ref = parseModelRef(text);
      return { name: ref.name, version: await this.deps.loader.lookup(ref) };
    };
    // A pinned primary serves its pinned version whatever its alias names now (the alias watcher rolls a move out).
    const primary =
      deployment.primaryVersion === undefined
        ? await lookup(deployment.primary)
        : { name: parseModelRef(deployment.primary).name, version: deployment.primaryVersion };
    const target: Target = { deployment, primary };
    if (deployment.candidate) target.candidate = await lookup(deployment.candidate);
    return target;
  }

  private async load(v: { name: string; version: string }): Promise<ResolvedModel> {
    try {
      const m = await this.deps.loader.load(v.name, v.version);
      // Counted when a version comes into this deployment, not when an unchanged one is reused.
      const cur = this.snap;
      if (cur?.primary.model !== m && cur?.candidate?.model !== m)
        this.deps.observer?.modelLoaded?.({ deployment: this.name, model: v.name, version: v.version });
      return m;
    } catch (e) {
      this.deps.observer?.modelLoadFailed?.({ deployment: this.name, model: v.name });
      throw new MwError(
        "INVALID_STATE",
        `Model ${v.name} version ${v.version} failed to load: ${(e as Error).message}`,
      );
    }
  }

  private async loadOrReport(v: { name: string; version: string }): Promise<ResolvedModel> {
    try {
      return await this.load(v);
    } catch (e) {
      this.noteError(e);
      throw e;
    }
  }

  /** The deployment's feature service, planned (the same plan while the service is unchanged). */
  private async lookupFor(d: Deployment): Promise<FeatureLookup | undefined> {
    if (!d.features) return undefined;
    if (!this.deps.features)
      throw new MwError(
        "INVALID_STATE",
        `Deployment '${d.name}' names feature service '${d.features.service}' but this server has no online feature store.`,
      );
    return this.deps.features(d.features);
  }

  private swap(
    target: Target,
    primary: ResolvedModel,
    candidate: ResolvedModel | undefined,
    features: FeatureLookup | undefined,
  ): void {
    const before = this.snap;
    const next = makeSnapshot(target.deployment, primary, candidate, features);
    this.snap = next;
    const served = [next.primary, ...(next.candidate ? [next.candidate] : [])].map((v) => ({
      variant: v.kind,
      model: v.model.name,
      version: v.model.version,
    }));
    this.deps.observer?.setServing?.(this.name, served, next.weight);
    const changedModels =
      !before || before.primary.model !== next.primary.model || before.candidate?.model !== next.candidate?.model;
    if (changedModels) {
      const text = served.map((s) => `${s.variant} ${s.model}/${s.version}`).join(", ");
      this.deps.observer?.event?.(this.name, "serving", `Now serving ${text}.`, {
        served,
        weight: next.weight,
        shadow: next.shadow,
        generation: next.generation,
      });
    }
  }

  private noteError(e: unknown): void {
    const message = (e as Error).message ?? String(e);
    const repeat = this.lastError?.message === message;
    this.lastError = { time: this.deps.clock.now(), message };
    if (!repeat) this.deps.observer?.event?.(this.name, "load_failed", message, { error: message });
  }
}

function sameTarget(cur: ServingSnapshot, t: Target): boolean {
  const p = cur.primary.model;
  const c = cur.candidate?.model;
  if (p.name !== t.primary.name || p.version !== t.primary.version) return false;
  if (!c || !t.candidate) return c === undefined && t.candidate === undefined;
  return c.name === t.candidate.name && c.version === t.candidate.version;
}

function targetKey(t: Target): string {
  return `${t.primary.name}/${t.primary.version}|${t.candidate ? `${t.candidate.name}/${t.candidate.version}` : ""}`;
}
