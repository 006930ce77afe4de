/**
 * The changes a rollout makes, shared by the controller and the manual commands: each writes the
 * rollout record first (the source of truth, guarded by its generation), then makes the deployment
 * and registry match it, records an event with the evidence and notifies. Final phases are
 * "settled" separately, so a crash between the two halves is finished by the next controller.
 */
import type { AuditLog } from "../auth/audit-log.js";
import { OutboundPolicy } from "../auth/outbound-policy.js";
import { redactDeep, redactSecrets } from "../auth/redact.js";
import type { Clock } from "../core/clock.js";
import { isMwError } from "../core/errors.js";
import type { RegistryStore } from "../registry/registry-store.js";
import type { DeploymentService } from "../serving/deployments/deployment-service.js";
import type { ModelLoadCheck } from "../serving/deployments/model-load-check.js";
import { parseModelRef } from "../serving/model-resolver.js";
import { aliasVersion, restoreAlias } from "./alias/alias-restore.js";
import type { CheckResult } from "./analysis/window-checks.js";
import type { WebhookContext, WebhookOutcome } from "./hooks/webhook-client.js";
import { callWebhook } from "./hooks/webhook-client.js";
import type { Notifier, RolloutNotice } from "./notify/notifier.js";
import { silentNotifier, slackNotifier } from "./notify/notifier.js";
import type { PromotionRecord, Rollout, RolloutPhase, WebhookType } from "./rollout.js";
import type { RolloutStore } from "./rollout-store.js";

export interface RolloutDeps {
  store: RolloutStore;
  deployments: DeploymentService;
  registry: RegistryStore;
  clock: Clock;
  /** The URLs webhooks, notifications and Prometheus may use (default: none; checked when a rollout starts and at each call). */
  outbound?: OutboundPolicy;
  /** Calls one webhook (default: an HTTP POST with the hook's timeout, within `outbound`). */
  callWebhook?: typeof callWebhook;
  /** The notifier for a rollout's notify URL (default: Slack-compatible POSTs within `outbound`). */
  notifierFor?: (url: string) => Notifier;
  /** Where alias restores after a rolled-back alias move are recorded (beside the deployment's events). */
  audit?: AuditLog;
  warn?: (message: string) => void;
  /** Loads the candidate once when a rollout starts (the serving loader); a model that cannot load is refused; its kind decides
   * which checks fit (a candidate of another kind than the primary is refused). */
  checkLoad?: ModelLoadCheck;
}

/** The alias a former champion keeps after a promotion, for `rollout rollback`. */
export const PREVIOUS_ALIAS = "previous";
const DEFAULT_PROMOTION_ALIAS = "champion";

/** Record-then-apply changes of rollouts. */
export class RolloutActions {
  /** The admin's outbound policy (nothing allowed unless configured). */
  readonly outbound: OutboundPolicy;

  constructor(readonly deps: RolloutDeps) {
    this.outbound = deps.outbound ?? OutboundPolicy.none();
  }

  /** Write a changed rollout (guarded by its generation) and record an event about it. */
  async save(next: Rollout, type: string, message: string, evidence: Record<string, unknown> = {}): Promise<Rollout> {
    const saved = await this.deps.store.update({ ...next, updatedTime: this.deps.clock.now() });
    await this.event(saved, type, message, evidence);
    return saved;
  }

  /** Append an event about a rollout to its deployment's trail (URLs and tokens in it masked). */
  async event(r: Rollout, type: string, message: string, evidence: Record<string, unknown> = {}): Promise<void> {
    const data = redactDeep({
      rollout_id: r.id,
      phase: r.phase,
      weight: r.weight,
      failed_checks: r.failedChecks,
      ...evidence,
    });
    const event = { deployment: r.deployment, type, message: redactSecrets(message), data };
    await this.deps.deployments.addEvent(event).catch((e: unknown) => {
      // The deployment may be gone; the rollout record still holds the outcome.
      this.deps.warn?.(`rollout ${r.id}: cannot record event ${type}: ${(e as Error).message}`);
    });
  }

  /** Tell the rollout's notifier (never throws). */
  async notify(r: Rollout, kind: RolloutNotice["kind"], message: string, checks?: CheckResult[]): Promise<void> {
    const url = r.spec.notifyUrl;
    const notifier = url
      ? (
          this.deps.notifierFor ?? ((u: string) => slackNotifier(u, { outbound: this.outbound, ...warnOpt(this.deps) }))
        )(url)
      : silentNotifier;
    await notifier.notify({
      kind,
      deployment: r.deployment,
      rolloutId: r.id,
      candidate: r.spec.candidate,
      primary: r.primaryRef,
      weight: r.weight,
      message: redactSecrets(message),
      ...(checks ? { checks: redactDeep(checks) } : {}),
    });
  }

  /** Call every webhook of a type, in order. */
  async hooks(r: Rollout, type: WebhookType): Promise<WebhookOutcome[]> {
    const call = this.deps.callWebhook ?? callWebhook;
    const context: WebhookContext = {
      deployment: r.deployment,
      rollout_id: r.id,
      phase: r.phase,
      candidate: r.spec.candidate,
      primary: r.primaryRef,
      weight: r.weight,
      step: r.stepIndex,
      failed_checks: r.failedChecks,
    };
    const out: WebhookOutcome[] = [];
    for (const spec of r.spec.webhooks.filter((h) => h.type === type)) {
      out.push(await call(spec, context, { outbound: this.outbound }));
    }
    return out;
  }

  /** Make the deployment serve what an active rollout says: its candidate, weight and shadow mode. */
  async applyTraffic(r: Rollout, expectedGeneration?: number): Promise<void> {
    const shadow = r.phase === "shadow";
    await this.deps.deployments.update(
      r.deployment,
      { candidate: r.spec.candidate, candidateWeight: shadow ? 0 : r.weight, shadow },
      expectedGeneration === undefined ? {} : { expectedGeneration },
    );
  }

  /** End a rollout in a final phase, then settle it. */
  async finish(
    r: Rollout,
    phase: Extract<RolloutPhase, "succeeded" | "rolled_back">,
    reason: string,
    evidence: Record<string, unknown> = {},
  ): Promise<Rollout> {
    const now = this.deps.clock.now();
    const next: Rollout = {
      ...r,
      phase,
      // The reason is shown by the API and sent in notifications: no URL or token in it.
      reason: redactSecrets(reason),
      finishedTime: r.finishedTime ?? now,
      settled: false,
      ...(phase === "rolled_back" ? { weight: 0 } : {}),
    };
    const type = phase === "succeeded" ? "rollout_promoted" : "rollout_rolled_back";
    const saved = await this.save(next, type, reason, evidence);
    return this.settle(saved, evidence.checks as CheckResult[] | undefined);
  }

  /**
   * Carry out a final phase's consequences: a rollback removes the candidate (only if it is still
   * this rollout's) and undoes a promotion; then post-rollout hooks and the notification.
   */
  async settle(r: Rollout, checks?: CheckResult[]): Promise<Rollout> {
    if (r.phase === "rolled_back") {
      if (r.promotion) await this.undoPromotion(r.deployment, r.promotion);
      await this.removeCandidate(r);
      if (!r.promotion) await restoreAlias({ ...this.deps, event: (x, t, m, e) => this.event(x, t, m, e) }, r);
    }
    const outcomes = await this.hooks(r, "post-rollout");
    for (const o of outcomes.filter((x) => !x.passed)) {
      await this.event(r, "rollout_webhook_failed", `post-rollout hook ${o.name} failed: ${o.error ?? o.status}`, {
        webhook: o,
      });
    }
    const kind = r.phase === "succeeded" ? "promoted" : r.reason?.startsWith("aborted") ? "aborted" : "rolled_back";
    await this.notify(r, kind, r.reason ?? r.phase, checks);
    return this.deps.store.update({ ...r, settled: true, updatedTime: this.deps.clock.now() });
  }

  /**
   * Promote: remember what changes (so it survives a crash and can be undone), move the alias to
   * the candidate and give the former holder `previous`, point the primary at it, drop the candidate.
   */
  async promote(r: Rollout, reason: string, evidence: Record<string, unknown> = {}): Promise<Rollout> {
    const move = r.aliasMove;
    if (move && !r.promotion) {
      // Promoting would move the alias back over someone's newer move: end this one, the watcher rolls that out.
      const now = await aliasVersion(this.deps.registry, move.model, move.alias);
      if (now !== move.to) {
        const where = now === undefined ? "was removed" : `moved to ${now}`;
        return this.finish(r, "rolled_back", `aborted: ${move.model}@${move.alias} ${where} before the promotion`);
      }
    }
    let current = r;
    if (!current.promotion) {
      current = await this.deps.store.update({ ...current, promotion: await this.planPromotion(current) });
    }
    const p = current.promotion as PromotionRecord;
    await this.deps.registry.setAlias({ name: p.model, alias: p.alias, version: p.version });
    if (p.previousVersion !== undefined && p.previousVersion !== p.version) {
      await this.deps.registry.setAlias({ name: p.model, alias: PREVIOUS_ALIAS, version: p.previousVersion });
    }
    const primary = parseModelRef(p.previousPrimary);
    const followsAlias = primary.alias === p.alias && primary.name === p.model;
    // A deployment pinned to the version it serves (alias changes roll out) is pinned to the new one.
    const pinned = followsAlias && (await this.deps.deployments.get(r.deployment)).onAliasChange === "rollout";
    await this.deps.deployments.update(r.deployment, {
      ...(followsAlias ? {} : { primary: `${p.model}/${p.version}` }),
      ...(pinned ? { primaryVersion: p.version } : {}),
      candidate: null,
    });
    return this.finish(current, "succeeded", reason, { ...evidence, promotion: p });
  }

  private async planPromotion(r: Rollout): Promise<PromotionRecord> {
    const cand = parseModelRef(r.spec.candidate);
    const primary = parseModelRef(r.primaryRef);
    const alias = primary.alias !== undefined && primary.name === cand.name ? primary.alias : DEFAULT_PROMOTION_ALIAS;
    // An alias move's rollout: the alias already names the candidate; it was at the served version before.
    const previous = r.aliasMove?.from ?? (await aliasVersion(this.deps.registry, cand.name, alias));
    return {
      model: cand.name,
      version: cand.version as string,
      alias,
      ...(previous !== undefined ? { previousVersion: previous } : {}),
      previousPrimary: r.primaryRef,
      time: this.deps.clock.now(),
    };
  }

  private async undoPromotion(deployment: string, p: PromotionRecord): Promise<void> {
    const registry = this.deps.registry;
    if (p.previousVersion !== undefined) {
      await registry.setAlias({ name: p.model, alias: p.alias, version: p.previousVersion });
      if ((await aliasVersion(registry, p.model, PREVIOUS_ALIAS)) === p.previousVersion) {
        await registry.deleteAlias({ name: p.model, alias: PREVIOUS_ALIAS });
      }
    } else if ((await aliasVersion(registry, p.model, p.alias)) === p.version) {
      await registry.deleteAlias({ name: p.model, alias: p.alias });
    }
    const d = await this.deps.deployments.get(deployment).catch(() => undefined);
    if (!d) return;
    if (d.primary !== p.previousPrimary) await this.deps.deployments.update(deployment, { primary: p.previousPrimary });
    else if (
      d.primaryVersion !== undefined &&
      p.previousVersion !== undefined &&
      d.primaryVersion !== p.previousVersion
    ) {
      await this.deps.deployments.update(deployment, { primaryVersion: p.previousVersion });
    }
  }

  private async removeCandidate(r: Rollout): Promise<void> {
    try {
      const d = await this.deps.deployments.get(r.deployment);
      if (d.candidate === r.spec.candidate) await this.deps.deployments.update(r.deployment, { candidate: null });
    } catch (e) {
      if (!(isMwError(e) && e.code === "RESOURCE_DOES_NOT_EXIST")) throw e;
    }
  }
}

function warnOpt(deps: RolloutDeps): { warn?: (m: string) => void } {
  return deps.warn ? { warn: deps.warn } : {};
}
