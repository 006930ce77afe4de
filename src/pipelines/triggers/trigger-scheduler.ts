/**
 * Starts pipelines from their triggers: cron schedules, folder watches and registry changes on a
 * periodic tick, git pushes and monitoring alerts as they arrive. Missed cron times (the process was
 * down or a tick was late) start one run, not one per missed time. With several replicas the periodic
 * triggers run on the one holding the `pipeline-triggers` lease; the others only keep their schedules
 * (so a takeover does not fire a cron time again).
 */
import type { Clock } from "../../core/clock.js";
import type { LeaseKeeper } from "../../core/leases/lease-keeper.js";
import type { PipelineSpec, TriggerSpec } from "../pipeline-spec.js";
import type { CronSchedule } from "./cron.js";
import { nextRun, scheduleOf } from "./cron.js";
import type { ListFolder } from "./folder-watch.js";
import { FolderWatcher, listFolder } from "./folder-watch.js";
import type { DeliveryKeys, GitDeliveries } from "./git-deliveries.js";
import { deliveryKeys } from "./git-deliveries.js";
import { branchMatches, parsePush, verifyGithubSignature } from "./git-webhook.js";
import type { RegistryReader } from "./registry-watch.js";
import { RegistryTriggers } from "./registry-watch.js";

/** Why a pipeline is being started. */
export interface FiredTrigger {
  trigger: TriggerSpec;
  /** One line for the run's record. */
  reason: string;
  /** Details for the run (scheduled time, file, commit, alert), snake_case. */
  data: Record<string, unknown>;
  /** The webhook delivery that fired it, recorded on the run so it is never started twice. */
  delivery?: DeliveryKeys;
}

/** What a push did: the pipelines it started, or nothing because it was delivered before. */
export interface GitPushOutcome {
  started: string[];
  duplicate: boolean;
}

/** A monitoring alert that may start retraining. */
export interface AlertEvent {
  deployment?: string;
  rule?: string;
  message?: string;
  /** The alert's id (passed to the run as `alert_id`). */
  id?: string;
}

/** The pipeline's alert trigger that accepts alerts of `rule` on `deployment` (an unset filter accepts any). */
export function alertTriggerFor(
  spec: PipelineSpec,
  deployment: string | undefined,
  rule: string | undefined,
): Extract<TriggerSpec, { type: "alert" }> | undefined {
  return spec.triggers.find(
    (x): x is Extract<TriggerSpec, { type: "alert" }> =>
      x.type === "alert" &&
      (x.deployment === undefined || x.deployment === deployment) &&
      (x.rule === undefined || x.rule === rule),
  );
}

/** Interval timers, injectable so tests drive ticks themselves. */
export interface Timers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface TriggerSchedulerDeps {
  clock: Clock;
  /** Start one run of a pipeline (the runner applies its concurrency policy). */
  start(pipeline: string, fired: FiredTrigger): Promise<unknown> | unknown;
  listFolder?: ListFolder;
  /** The model registry that `registry` triggers poll (without it they fire nothing). */
  registry?: RegistryReader;
  timers?: Timers;
  /** A git trigger's secret by its `secretEnv` name (e.g. from process.env). */
  secret?(name: string): string | undefined;
  /** Deliveries seen before (none are refused as duplicates without it). */
  deliveries?: GitDeliveries;
  /** This replica's job leases (without them, periodic triggers always run here). */
  leases?: Pick<LeaseKeeper, "hold">;
  warn?(message: string): void;
}

/** The raw request of a webhook: its signature is checked against each trigger's secret. */
export interface WebhookAuth {
  rawBody: string | Uint8Array;
  signature: string | undefined;
  /** `X-GitHub-Delivery`. */
  deliveryId?: string;
}

interface CronEntry {
  pipeline: string;
  trigger: Extract<TriggerSpec, { type: "cron" }>;
  schedule: CronSchedule;
  next: number;
}

interface WatchEntry {
  pipeline: string;
  trigger: Extract<TriggerSpec, { type: "folder" }>;
  watcher: FolderWatcher;
}

const realTimers: Timers = {
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clearInterval: (h) => clearInterval(h as NodeJS.Timeout),
};

/** Runs every pipeline's triggers. */
export class TriggerScheduler {
  private pipelines: readonly PipelineSpec[] = [];
  private crons = new Map<string, CronEntry>();
  private watches = new Map<string, WatchEntry>();
  private readonly registryTriggers: RegistryTriggers;
  private ticking = false;
  private handle: unknown;

  constructor(
    pipelines: readonly PipelineSpec[],
    private readonly deps: TriggerSchedulerDeps,
  ) {
    this.registryTriggers = new RegistryTriggers(deps.registry);
    this.setPipelines(pipelines);
  }

  /**
   * Replace the pipelines (e.g. after a file changed). Unchanged schedules keep their next time and
   * unchanged folder watches their memory of reported files. invalidParam naming the pipeline for
   * a bad schedule, with nothing changed.
   */
  setPipelines(pipelines: readonly PipelineSpec[]): void {
    const now = this.deps.clock.now();
    const crons = new Map<string, CronEntry>();
    const watches = new Map<string, WatchEntry>();
    for (const p of pipelines) {
      for (const t of p.triggers) {
        if (t.type === "cron") {
          const key = `${p.name}\0${t.schedule}\0${t.timezone ?? ""}`;
          const kept = this.crons.get(key);
          crons.set(key, kept ?? { pipeline: p.name, trigger: t, ...scheduleOf(p.name, t, now) });
        } else if (t.type === "folder") {
          const key = `${p.name}\0${t.path}\0${t.pattern ?? ""}`;
          watches.set(key, this.watches.get(key) ?? { pipeline: p.name, trigger: t, watcher: this.watcher(t) });
        }
      }
    }
    this.pipelines = pipelines;
    this.crons = crons;
    this.watches = watches;
    this.registryTriggers.set(pipelines);
  }

  /** Every cron trigger's next run time (status pages). */
  nextRuns(): { pipeline: string; schedule: string; next: Date }[] {
    return [...this.crons.values()].map((c) => ({
      pipeline: c.pipeline,
      schedule: c.trigger.schedule,
      next: new Date(c.next),
    }));
  }

  /** Start due cron runs and poll watched folders; returns the pipelines started. Overlapping ticks are skipped. */
  async tick(): Promise<string[]> {
    if (this.ticking) return [];
    this.ticking = true;
    try {
      const started: string[] = [];
      const now = this.deps.clock.now();
      if (this.deps.leases && !(await this.deps.leases.hold("pipeline-triggers"))) {
        for (const c of this.crons.values()) if (now >= c.next) c.next = nextRun(c.schedule, new Date(now)).getTime();
        return started;
      }
      for (const c of this.crons.values()) {
        if (now < c.next) continue;
        const due = c.next;
        // Only one run for however many times were missed; the next time is counted from now.
        c.next = nextRun(c.schedule, new Date(now)).getTime();
        const data = { scheduled_time: new Date(due).toISOString(), late_ms: now - due };
        const reason = `cron ${c.trigger.schedule} (due ${data.scheduled_time})`;
        if (await this.fire(c.pipeline, { trigger: c.trigger, reason, data })) started.push(c.pipeline);
      }
      for (const w of this.watches.values()) {
        const files = await w.watcher.poll().catch((e: unknown) => {
          this.warn(`watching ${w.trigger.path} for pipeline '${w.pipeline}' failed: ${(e as Error).message}`);
          return [];
        });
        for (const file of files) {
          const fired = { trigger: w.trigger, reason: `new file ${file}`, data: { file } };
          if (await this.fire(w.pipeline, fired)) started.push(w.pipeline);
        }
      }
      for (const { pipeline, ...fired } of await this.registryTriggers.poll(this.deps.deliveries, (m) => this.warn(m)))
        if (await this.fire(pipeline, fired)) started.push(pipeline);
      return started;
    } finally {
      this.ticking = false;
    }
  }

  /**
   * Start the pipelines whose git trigger matches a push payload (parsed JSON) and whose secret
   * verifies the request's `X-Hub-Signature-256`. A delivery seen before starts nothing. invalidParam
   * for a payload that is not a push or whose branch, commit or repository break git's rules.
   */
  async onGitPush(payload: unknown, auth?: WebhookAuth): Promise<GitPushOutcome> {
    const push = parsePush(payload);
    if (!push || !auth) return { started: [], duplicate: false };
    const matched = this.pipelines.flatMap((p) => {
      const t = p.triggers.find(
        (x): x is Extract<TriggerSpec, { type: "git" }> =>
          x.type === "git" && branchMatches(x.branch, push.branch) && this.signed(x, auth, p.name),
      );
      return t ? [{ pipeline: p.name, trigger: t }] : [];
    });
    if (matched.length === 0) return { started: [], duplicate: false };
    const delivery = deliveryKeys(auth.rawBody, auth.deliveryId);
    if (await this.deps.deliveries?.seenBefore(delivery)) {
      this.warn(`git push ${delivery.id ?? delivery.digest.slice(0, 12)} was delivered before; nothing started`);
      return { started: [], duplicate: true };
    }
    const started: string[] = [];
    for (const { pipeline, trigger } of matched) {
      const fired = {
        trigger,
        reason: `git push to ${push.repository}@${push.branch} (${push.commit.slice(0, 12)})`,
        data: { ...push, ...(delivery.id ? { delivery_id: delivery.id } : {}) },
        delivery,
      };
      if (await this.fire(pipeline, fired)) started.push(pipeline);
    }
    return { started, duplicate: false };
  }

  /** Start the pipelines whose alert trigger matches (an unset deployment or rule matches any). */
  async onAlert(alert: AlertEvent): Promise<string[]> {
    const started: string[] = [];
    for (const p of this.pipelines) {
      const t = alertTriggerFor(p, alert.deployment, alert.rule);
      if (!t) continue;
      const what = [alert.rule, alert.deployment && `on ${alert.deployment}`].filter(Boolean).join(" ");
      const { id, ...details } = alert;
      const fired = {
        trigger: t,
        reason: `alert ${what || "(unnamed)"}${alert.message ? `: ${alert.message}` : ""}`,
        data: { ...details, ...(id !== undefined ? { alert_id: id } : {}) },
      };
      if (await this.fire(p.name, fired)) started.push(p.name);
    }
    return started;
  }

  /** Tick every `intervalMs` until {@link stop}. */
  start(intervalMs = 15_000): void {
    if (this.handle !== undefined) return;
    const timers = this.deps.timers ?? realTimers;
    this.handle = timers.setInterval(
      () => void this.tick().catch((e: unknown) => this.warn(`trigger tick failed: ${(e as Error).message}`)),
      intervalMs,
    );
  }

  /** Stop ticking. */
  stop(): void {
    if (this.handle === undefined) return;
    (this.deps.timers ?? realTimers).clearInterval(this.handle);
    this.handle = undefined;
  }

  private watcher(t: Extract<TriggerSpec, { type: "folder" }>): FolderWatcher {
    const options = { path: t.path, ...(t.pattern === undefined ? {} : { pattern: t.pattern }) };
    return new FolderWatcher(options, this.deps.listFolder ?? listFolder);
  }

  private signed(t: Extract<TriggerSpec, { type: "git" }>, auth: WebhookAuth, pipeline: string): boolean {
    const secret = this.deps.secret?.(t.secretEnv);
    if (!secret) {
      this.warn(`pipeline '${pipeline}': git trigger secret ${t.secretEnv} is not set; push ignored`);
      return false;
    }
    if (verifyGithubSignature(secret, auth.rawBody, auth.signature)) return true;
    this.warn(`pipeline '${pipeline}': push with a missing or bad signature ignored`);
    return false;
  }

  /** Start a run; a failure to start is reported, never thrown, so other pipelines still start. */
  private async fire(pipeline: string, fired: FiredTrigger): Promise<boolean> {
    try {
      await this.deps.start(pipeline, fired);
      return true;
    } catch (e) {
      this.warn(`could not start pipeline '${pipeline}' (${fired.reason}): ${(e as Error).message}`);
      return false;
    }
  }

  private warn(message: string): void {
    this.deps.warn?.(message);
  }
}
