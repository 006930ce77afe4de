/**
 * One controller step of one rollout: reconcile the deployment with the record, then do what the
 * phase calls for — wait for the candidate and run pre-rollout hooks, analyse a due window and
 * advance or count a failure, or ask confirm-promotion hooks before promoting.
 */
import type { Clock } from "../../core/clock.js";
import { isMwError } from "../../core/errors.js";
import type { PredictionLogStore } from "../../serving/prediction-log/prediction-log-store.js";
import type { PrometheusClient } from "../analysis/prometheus/prometheus-client.js";
import type { CheckResult } from "../analysis/window-checks.js";
import type { WindowReading, WindowSource } from "../analysis/window-source.js";
import { webhookCheck } from "../hooks/webhook-client.js";
import type { Rollout } from "../rollout.js";
import { isActivePhase } from "../rollout.js";
import type { RolloutActions } from "../rollout-actions.js";
import { analyse } from "./rollout-analysis.js";
import type { OpenWindow, ServedState } from "./rollout-controller.js";

export interface StepperDeps {
  actions: RolloutActions;
  clock: Clock;
  served: ServedState;
  windowsFor(r: Rollout): WindowSource;
  prometheusFor(r: Rollout): PrometheusClient | undefined;
  labels?: Pick<PredictionLogStore, "listLabeledScores">;
}

/** How long a half-finished change must sit untouched before a controller completes it. */
const HANDOVER_MS = 15_000;

/** The state machine's transitions, one call per tick per rollout. */
export class RolloutStepper {
  private readonly windows = new Map<string, OpenWindow>();
  /** When each rollout last tried something that waits an interval before retrying. */
  private readonly attempts = new Map<string, number>();

  constructor(private readonly deps: StepperDeps) {}

  /** Advance one rollout as far as it can go now. */
  async step(r: Rollout): Promise<void> {
    const actions = this.deps.actions;
    const idle = this.deps.clock.now() - r.updatedTime;
    if (!isActivePhase(r.phase)) {
      this.forget(r.id);
      // Whoever ended it settles it at once; only a rollout left unsettled a while had its settler crash.
      if (!r.settled && idle > HANDOVER_MS) await actions.settle(r);
      return;
    }
    if (r.promotion) {
      // A promotion under way (here or by a `rollout promote` elsewhere); finish it only if abandoned.
      if (idle > HANDOVER_MS) await actions.promote(r, "promoted (finished after an interruption)");
      return;
    }
    const current = await this.reconcile(r);
    if (!current) return;
    if (current.phase === "initializing") return this.initialize(current);
    await this.analyseIfDue(current);
  }

  /** End (or settle) a rollout whose deployment no serving process will drive: deleted or stopped. */
  async endOrphan(r: Rollout): Promise<void> {
    this.forget(r.id);
    if (!isActivePhase(r.phase)) {
      if (!r.settled) await this.deps.actions.settle(r);
      return;
    }
    const d = await this.deps.actions.deps.deployments.get(r.deployment).catch(() => undefined);
    await this.deps.actions.finish(r, "rolled_back", `aborted: the deployment was ${d ? "stopped" : "deleted"}`);
  }

  /** Make the deployment match the record; ends the rollout if the deployment went its own way. */
  private async reconcile(r: Rollout): Promise<Rollout | undefined> {
    const actions = this.deps.actions;
    let d: Awaited<ReturnType<typeof actions.deps.deployments.get>>;
    try {
      d = await actions.deps.deployments.get(r.deployment);
    } catch (e) {
      if (!(isMwError(e) && e.code === "RESOURCE_DOES_NOT_EXIST")) throw e;
      await actions.finish(r, "rolled_back", "aborted: the deployment was deleted");
      return undefined;
    }
    if (d.candidate !== r.spec.candidate) {
      await actions.finish(
        r,
        "rolled_back",
        `aborted: the deployment's candidate was changed to ${d.candidate ?? "none"} outside the rollout`,
      );
      return undefined;
    }
    const shadow = r.phase === "shadow";
    if (d.shadow !== shadow || d.candidateWeight !== (shadow ? 0 : r.weight)) {
      await actions.applyTraffic(r, d.generation);
    }
    return r;
  }

  /** Wait until the candidate is loaded, then run pre-rollout hooks; pass → shadow or the first step. */
  private async initialize(r: Rollout): Promise<void> {
    const now = this.deps.clock.now();
    const last = this.attempts.get(r.id) ?? r.lastAnalysisTime;
    if (last !== undefined && now - last < r.spec.intervalMs) return;
    if (!this.deps.served.candidateLoaded(r.deployment, r.spec.candidate)) {
      // Loading takes a moment; only a candidate still missing an interval in counts as a failure.
      if (now - r.stepStartedTime < r.spec.intervalMs) return;
      this.attempts.set(r.id, now);
      const check: CheckResult = {
        check: "candidate-loaded",
        passed: false,
        value: 0,
        threshold: 1,
        detail: `${r.spec.candidate} is not loaded by the serving runtime (see the deployment's load_failed events)`,
      };
      await this.failed(r, [check]);
      return;
    }
    const hooks = (await this.deps.actions.hooks(r, "pre-rollout")).map(webhookCheck);
    this.attempts.set(r.id, now);
    if (hooks.some((c) => !c.passed)) {
      await this.failed(r, hooks);
      return;
    }
    this.attempts.delete(r.id);
    if (r.spec.shadowFirst) {
      await this.enter(
        r,
        { phase: "shadow", weight: 0 },
        "rollout_shadow",
        "Shadow mode: the candidate scores copies of every request",
        hooks,
      );
    } else {
      const weight = r.spec.steps[0] as number;
      await this.enter(
        r,
        { phase: "progressing", stepIndex: 0, weight },
        "rollout_step",
        `Step 1: ${weight} % of traffic to the candidate`,
        hooks,
      );
    }
  }

  /** Analyse the window once an interval has passed since it opened. */
  private async analyseIfDue(r: Rollout): Promise<void> {
    const now = this.deps.clock.now();
    const key = `${r.phase}:${r.stepIndex}`;
    const open = this.windows.get(r.id);
    if (!open || open.key !== key) {
      await this.openWindow(r, key);
      return;
    }
    if (now - open.openedAt < r.spec.intervalMs) return;
    let reading: WindowReading;
    try {
      reading = await open.window.read();
    } catch (e) {
      // Silence is not evidence: a window that cannot be measured (Prometheus down) fails the
      // analysis, once per interval, rather than stalling the rollout unseen.
      const check: CheckResult = {
        check: "window",
        passed: false,
        value: Number.NaN,
        threshold: Number.NaN,
        detail: `could not measure the window: ${(e as Error).message}`,
      };
      const analysed: Rollout = { ...r, analyses: r.analyses + 1, lastAnalysisTime: now };
      if (!(await this.failed(analysed, [check]))) await this.openWindow(r, key);
      return;
    }
    const checks = await analyse(r, {
      actions: this.deps.actions,
      reading,
      now,
      ...(this.deps.labels ? { labels: this.deps.labels } : {}),
      ...optional("positiveClass", this.deps.served.positiveClass(r.deployment)),
      kinds: this.deps.served.kinds(r.deployment),
      ...optional("prometheus", this.deps.prometheusFor(r)),
    });
    const analysed: Rollout = { ...r, analyses: r.analyses + 1, lastAnalysisTime: now };
    if (checks.some((c) => !c.passed)) {
      if (!(await this.failed(analysed, checks))) await this.openWindow(r, key);
      return;
    }
    await this.passed(analysed, checks);
  }

  private async passed(r: Rollout, checks: CheckResult[]): Promise<void> {
    const steps = r.spec.steps;
    if (r.phase === "shadow") {
      const weight = steps[0] as number;
      await this.enter(
        r,
        { phase: "progressing", stepIndex: 0, weight },
        "rollout_step",
        `Shadow analysis passed; step 1: ${weight} % of traffic to the candidate`,
        checks,
      );
    } else if (r.phase === "progressing" && r.stepIndex < steps.length - 1) {
      const i = r.stepIndex + 1;
      const weight = steps[i] as number;
      await this.enter(
        r,
        { stepIndex: i, weight },
        "rollout_step",
        `Step ${i + 1}: ${weight} % of traffic to the candidate`,
        checks,
      );
    } else {
      const promoting =
        r.phase === "promoting"
          ? r
          : await this.enter(
              r,
              { phase: "promoting" },
              "rollout_analysis",
              "Last step passed; asking confirm-promotion hooks",
              checks,
            );
      await this.confirmAndPromote(promoting, checks, `${promoting.phase}:${promoting.stepIndex}`);
    }
  }

  /** Promote when every confirm-promotion hook answers 2xx; otherwise hold at full weight. */
  private async confirmAndPromote(r: Rollout, checks: CheckResult[], key: string): Promise<void> {
    const confirm = (await this.deps.actions.hooks(r, "confirm-promotion")).map(webhookCheck);
    const refused = confirm.filter((c) => !c.passed);
    if (refused.length > 0) {
      const message = `Promotion held by ${refused.map((c) => c.check).join(", ")}; asking again in ${r.spec.intervalMs} ms`;
      await this.deps.actions.save(r, "rollout_held", message, { checks: [...checks, ...confirm] });
      await this.deps.actions.notify(r, "held", message, confirm);
      await this.openWindow(r, key);
      return;
    }
    this.forget(r.id);
    await this.deps.actions.promote(r, `promoted after ${r.analyses} analyses`, { checks: [...checks, ...confirm] });
  }

  /** Count a failed analysis; at the threshold, roll back (returns true when the rollout ended). */
  private async failed(r: Rollout, checks: CheckResult[]): Promise<boolean> {
    const failedChecks = r.failedChecks + 1;
    const failing = checks.filter((c) => !c.passed).map((c) => `${c.check}: ${c.detail}`);
    // The time is kept on the record, so a controller taking over waits an interval before retrying.
    const next = { ...r, failedChecks, lastAnalysisTime: this.deps.clock.now() };
    if (failedChecks >= r.spec.threshold) {
      this.forget(r.id);
      await this.deps.actions.finish(
        next,
        "rolled_back",
        `analysis failed ${failedChecks} of ${r.spec.threshold} allowed times; last: ${failing.join("; ")}`,
        { checks },
      );
      return true;
    }
    await this.deps.actions.save(
      next,
      "rollout_analysis",
      `Analysis failed (${failedChecks}/${r.spec.threshold}): ${failing.join("; ")}`,
      { passed: false, checks },
    );
    return false;
  }

  /** Move to a new phase or step: record it (with the analysis that allowed it), apply it, notify. */
  private async enter(
    r: Rollout,
    change: Partial<Rollout>,
    type: string,
    message: string,
    checks: CheckResult[],
  ): Promise<Rollout> {
    const next: Rollout = { ...r, ...change, stepStartedTime: this.deps.clock.now() };
    const saved = await this.deps.actions.save(next, type, message, { passed: true, checks });
    await this.deps.actions.applyTraffic(saved);
    if (type === "rollout_step") await this.deps.actions.notify(saved, "step", message, checks);
    await this.openWindow(saved, `${saved.phase}:${saved.stepIndex}`);
    return saved;
  }

  private async openWindow(r: Rollout, key: string): Promise<void> {
    const variant = r.phase === "shadow" ? "shadow" : "candidate";
    const window = await this.deps.windowsFor(r).open(r.deployment, variant);
    this.windows.set(r.id, { key, window, openedAt: this.deps.clock.now() });
  }

  private forget(id: string): void {
    this.windows.delete(id);
    this.attempts.delete(id);
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
