/**
 * Runs each monitored deployment's job every `intervalMs` (its config's), one job at a time. Due
 * work is found from the stored last-run time, so a restarted process keeps the schedule. A job
 * that fails is recorded as a failed result by the service; anything else is logged. With several
 * replicas each monitor runs under its lease (`monitor/DEPLOYMENT`): one replica runs it, and another
 * takes it over one lease period after that replica dies.
 */
import type { LeaseKeeper } from "../../core/leases/lease-keeper.js";
import type { MonitoringService } from "./monitoring-service.js";

export interface MonitorSchedulerOptions {
  /** How often to look for due monitors (default 1 s). */
  tickMs?: number;
  warn: (message: string) => void;
  /** This replica's job leases (without them every due monitor runs here: one process). */
  leases?: Pick<LeaseKeeper, "hold">;
}

/** Starts and stops the monitor loop. */
export class MonitorScheduler {
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly service: Pick<MonitoringService, "due" | "runConfig">,
    private readonly options: MonitorSchedulerOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => void this.tick(), this.options.tickMs ?? 1000);
    this.timer.unref();
  }

  /** Run every due monitor once (skipped while a previous tick still runs); resolves when done. */
  tick(): Promise<void> {
    if (this.current) return this.current;
    this.current = this.runDue().finally(() => {
      this.current = undefined;
    });
    return this.current;
  }

  /** Stop ticking and wait for the job in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.current;
  }

  private async runDue(): Promise<void> {
    try {
      for (const config of await this.service.due()) {
        if (this.stopped) return;
        // Another replica holds this monitor: it runs it (the lease stays with it while it lives).
        if (this.options.leases && !(await this.options.leases.hold(`monitor/${config.deployment}`))) continue;
        try {
          await this.service.runConfig(config);
        } catch (e) {
          this.options.warn(`monitor of ${config.deployment} failed: ${(e as Error).message}`);
        }
      }
    } catch (e) {
      this.options.warn(`cannot list monitors: ${(e as Error).message}`);
    }
  }
}
