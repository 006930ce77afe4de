/**
 * The registry side of rollouts started for an alias move: when one is rolled back, the alias goes
 * back to the version the deployment kept serving, recorded (who and why) in the deployment's
 * events and the audit log. A promotion of such a rollout pins the deployment to the new version.
 */
import { randomUUID } from "node:crypto";
import type { AuditLog } from "../../auth/audit-log.js";
import { currentActor } from "../../core/actor.js";
import type { Clock } from "../../core/clock.js";
import { isMwError } from "../../core/errors.js";
import type { RegistryStore } from "../../registry/registry-store.js";
import type { DeploymentService } from "../../serving/deployments/deployment-service.js";
import type { Rollout } from "../rollout.js";

/** Who restores an alias when no signed-in user asked for the rollback (the controller's analysis did). */
export const CONTROLLER_ACTOR = "rollout-controller";

export interface AliasRestoreDeps {
  registry: RegistryStore;
  deployments: DeploymentService;
  clock: Clock;
  audit?: AuditLog;
  warn?: (message: string) => void;
  event(r: Rollout, type: string, message: string, evidence: Record<string, unknown>): Promise<void>;
}

/**
 * After a rolled-back alias-move rollout: point the alias back at the version served before, unless
 * it moved again meanwhile (the watcher rolls that move out) or the deployment is gone or stopped
 * (nothing was judged). Returns true when the alias was moved back.
 */
export async function restoreAlias(deps: AliasRestoreDeps, r: Rollout): Promise<boolean> {
  const move = r.aliasMove;
  if (!move || r.phase !== "rolled_back" || r.promotion) return false;
  const d = await deps.deployments.get(r.deployment).catch((e: unknown) => {
    if (isMwError(e) && e.code === "RESOURCE_DOES_NOT_EXIST") return undefined;
    throw e;
  });
  if (d?.status !== "active") return false;
  const now = await aliasVersion(deps.registry, move.model, move.alias);
  if (now !== move.to) return false;
  await deps.registry.setAlias({ name: move.model, alias: move.alias, version: move.from });
  const actor = currentActor() ?? CONTROLLER_ACTOR;
  const why = r.reason ?? "rolled back";
  const message = `Moved ${move.model}@${move.alias} back from ${move.to} to ${move.from}: the rollout of ${r.spec.candidate} was rolled back (${why})`;
  await deps.event(r, "alias_restored", message, {
    model: move.model,
    alias: move.alias,
    from: move.to,
    to: move.from,
    restored_by: actor,
    reason: why,
    ...(move.movedBy ? { moved_by: move.movedBy } : {}),
  });
  await deps.audit
    ?.append({
      id: randomUUID(),
      time: deps.clock.now(),
      actor,
      action: "restoreRegisteredModelAlias",
      targetType: "registered_model",
      target: move.model,
      status: 200,
      request: {
        name: move.model,
        alias: move.alias,
        version: move.from,
        deployment: r.deployment,
        rollout_id: r.id,
        reason: why,
      },
      before: { alias: move.alias, version: move.to },
      after: { alias: move.alias, version: move.from },
    })
    .catch((e: unknown) =>
      deps.warn?.(`cannot audit the alias restore of ${move.model}@${move.alias}: ${(e as Error).message}`),
    );
  return true;
}

/** The version `alias` names now, or undefined when it is not set (or the model is gone). */
export async function aliasVersion(registry: RegistryStore, model: string, alias: string): Promise<string | undefined> {
  try {
    return (await registry.getModelVersionByAlias({ name: model, alias })).version;
  } catch (e) {
    // An alias that is not set is INVALID_PARAMETER_VALUE (MLflow's answer); a missing model, 404.
    if (isMwError(e) && (e.code === "RESOURCE_DOES_NOT_EXIST" || e.code === "INVALID_PARAMETER_VALUE")) {
      return undefined;
    }
    throw e;
  }
}
