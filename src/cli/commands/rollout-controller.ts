/** The rollout controller of a serving process (`up`, `serve --deployment`), over its host's metrics. */
import { systemClock } from "../../core/clock.js";
import { MetricsWindowSource } from "../../rollout/analysis/metrics-window-source.js";
import { hostServedState } from "../../rollout/controller/host-served-state.js";
import { RolloutController } from "../../rollout/controller/rollout-controller.js";
import type { Platform } from "../../server/open-platform.js";
import type { ServingHost } from "../../serving/serving-host.js";
import type { CliIo } from "../cli-context.js";
import { processWarnings } from "./process-warnings.js";

/** Start driving the rollouts of the deployments `host` serves. */
export function startRolloutController(
  platform: Platform,
  host: ServingHost,
  io: CliIo,
  tickMs?: number,
): RolloutController {
  const controller = new RolloutController({
    store: platform.rolloutStore,
    actions: platform.rollouts.actions,
    windows: new MetricsWindowSource(host.metrics, systemClock),
    served: hostServedState(host),
    clock: systemClock,
    labels: host.predictions,
    ...(tickMs !== undefined ? { tickMs } : {}),
    warn: processWarnings(io),
  });
  controller.start();
  return controller;
}
