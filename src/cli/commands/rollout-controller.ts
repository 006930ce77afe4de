/** The rollout controller of a serving process (`up`, `serve --deployment`), over its host's metrics. */
import { systemClock } from "../../core/clock.js";
import type { LeaseKeeper } from "../../core/leases/lease-keeper.js";
import { AliasWatcher } from "../../rollout/alias/alias-watcher.js";
import { aliasMovedBy } from "../../rollout/alias/moved-by.js";
import { MetricsWindowSource } from "../../rollout/analysis/metrics-window-source.js";
import { hostServedState } from "../../rollout/controller/host-served-state.js";
import { RolloutController } from "../../rollout/controller/rollout-controller.js";
import type { Platform } from "../../server/open-platform.js";
import type { ServingHost } from "../../serving/serving-host.js";
import type { CliIo } from "../cli-context.js";
import { processWarnings } from "./process-warnings.js";

/** Start driving the rollouts of the deployments `host` serves, under this replica's `leases`. */
export function startRolloutController(
  platform: Platform,
  host: ServingHost,
  io: CliIo,
  leases: LeaseKeeper,
  tickMs?: number,
): RolloutController {
  // Every tick of an outage fails the same way: said once per 10 s, counted, secrets redacted.
  const warn = processWarnings(io);
  const controller = new RolloutController({
    store: platform.rolloutStore,
    leases,
    actions: platform.rollouts.actions,
    windows: new MetricsWindowSource(host.metrics, systemClock),
    served: hostServedState(host),
    clock: systemClock,
    labels: host.predictions,
    aliasWatcher: (keeper) =>
      new AliasWatcher({
        deployments: platform.deployments,
        registry: platform.registry,
        rollouts: platform.rollouts,
        leases: keeper,
        clock: systemClock,
        serves: (deployment) => host.runtimes.has(deployment),
        movedBy: aliasMovedBy(platform.auditLog),
        warn,
      }),
    ...(tickMs !== undefined ? { tickMs } : {}),
    warn,
  });
  controller.start();
  return controller;
}
