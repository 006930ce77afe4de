/** The rollout controller of a serving process (`up`, `serve --deployment`), over its host's metrics. */
import { redactSecrets } from "../../auth/redact.js";
import { systemClock } from "../../core/clock.js";
import { repeatLimitedLog } from "../../core/logging/repeat-limited-log.js";
import { MetricsWindowSource } from "../../rollout/analysis/metrics-window-source.js";
import { hostServedState } from "../../rollout/controller/host-served-state.js";
import { RolloutController } from "../../rollout/controller/rollout-controller.js";
import type { Platform } from "../../server/open-platform.js";
import type { ServingHost } from "../../serving/serving-host.js";
import type { CliIo } from "../cli-context.js";

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
    // Every tick of an outage fails the same way: say it once per 10 s, counted.
    warn: repeatLimitedLog((m) => io.err(`warning: ${redactSecrets(m)}`), { key: (m) => m.replace(/\d+/g, "#") }),
  });
  controller.start();
  return controller;
}
