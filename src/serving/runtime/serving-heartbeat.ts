/**
 * Writes what this process serves to the deployment store on a timer and right after each change,
 * so `deployments show` can tell the stored intent from what every replica actually answers with.
 * Best effort: a store that is down only delays the next report (readiness reports the outage).
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { Clock } from "../../core/clock.js";
import type { DeploymentService } from "../deployments/deployment-service.js";
import type { ServingReport } from "../deployments/serving-report.js";
import { SERVING_REPORT_INTERVAL_MS } from "../deployments/serving-report.js";
import type { DeploymentRuntime } from "./deployment-runtime.js";

/** A deployment this process should serve but could not load at all. */
export interface FailedDeployment {
  name: string;
  message: string;
}

export interface ServingHeartbeatDeps {
  deployments: Pick<DeploymentService, "reportServing" | "forgetInstance">;
  clock: Clock;
  kind: ServingReport["kind"];
  /** The stored deployments served now (ad-hoc `serve MODEL@ALIAS` runtimes are not reported). */
  runtimes: () => Iterable<DeploymentRuntime>;
  /** Stored deployments that failed their first load. */
  failed: () => Iterable<FailedDeployment>;
  intervalMs?: number;
}

/** One process's heartbeat of serving reports. */
export class ServingHeartbeat {
  /** Unique per process start. */
  readonly instance = `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;
  private readonly startedTime: number;
  private url: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private soonTimer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private again = false;
  private reported = new Set<string>();

  constructor(private readonly deps: ServingHeartbeatDeps) {
    this.startedTime = deps.clock.now();
  }

  /** Report now and every interval from here on; `url` is where this process listens. */
  start(url?: string): void {
    this.url = url;
    this.stopTimers();
    this.timer = setInterval(() => void this.beat(), this.deps.intervalMs ?? SERVING_REPORT_INTERVAL_MS);
    this.timer.unref();
    void this.beat();
  }

  /** Report shortly (after a change), coalescing changes that come together. */
  soon(): void {
    if (!this.timer || this.soonTimer) return;
    this.soonTimer = setTimeout(() => {
      this.soonTimer = undefined;
      void this.beat();
    }, 100);
    this.soonTimer.unref();
  }

  /** Write the reports of this moment; never throws. */
  beat(): Promise<void> {
    if (this.beating) {
      this.again = true;
      return this.beating;
    }
    this.beating = this.write()
      .catch(() => {})
      .finally(() => {
        this.beating = undefined;
        if (this.again) {
          this.again = false;
          void this.beat();
        }
      });
    return this.beating;
  }

  private async write(): Promise<void> {
    const reports = this.reports();
    const now = new Set(reports.map((r) => r.deployment));
    await this.deps.deployments.reportServing(reports);
    // Deployments this process stopped serving: withdraw their reports rather than let them go stale.
    for (const name of this.reported) {
      if (!now.has(name)) await this.deps.deployments.forgetInstance(this.instance, name);
    }
    this.reported = now;
  }

  /** Stop reporting and withdraw this process's reports (best effort). */
  async stop(): Promise<void> {
    const started = this.timer !== undefined;
    this.stopTimers();
    if (!started) return;
    await this.beating;
    await this.deps.deployments.forgetInstance(this.instance).catch(() => {});
  }

  /** This moment's reports, one per deployment. */
  reports(): ServingReport[] {
    const now = this.deps.clock.now();
    const base = {
      instance: this.instance,
      kind: this.deps.kind,
      host: hostname(),
      pid: process.pid,
      ...(this.url ? { url: this.url } : {}),
      startedTime: this.startedTime,
      seenTime: now,
    };
    const out: ServingReport[] = [];
    for (const rt of this.deps.runtimes()) {
      const snap = rt.ready ? rt.current : undefined;
      const served = snap ? [snap.primary, ...(snap.candidate ? [snap.candidate] : [])] : [];
      out.push({
        ...base,
        deployment: rt.name,
        served: served.map((v) => ({ variant: v.kind, model: v.model.name, version: v.model.version })),
        candidateWeight: snap?.weight ?? 0,
        shadow: snap?.shadow ?? false,
        generation: snap?.generation ?? 0,
        ...(rt.lastError ? { lastError: rt.lastError.message } : {}),
      });
    }
    for (const f of this.deps.failed()) {
      out.push({
        ...base,
        deployment: f.name,
        served: [],
        candidateWeight: 0,
        shadow: false,
        generation: 0,
        lastError: f.message,
      });
    }
    return out;
  }

  private stopTimers(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.soonTimer) clearTimeout(this.soonTimer);
    this.timer = undefined;
    this.soonTimer = undefined;
  }
}
