/** Handlers for the rollout routes of the platform API (used by the server and the in-process CLI). */
import type { RolloutRouteName } from "../../core/api/platform-routes.js";
import type { RolloutService } from "../../rollout/rollout-service.js";
import { specInputFromWire, toRolloutInfo } from "../../rollout/rollout-wire.js";
import { toEventInfo } from "./deployment-handlers.js";
import type { PlatformHandlers } from "./handlers.js";

export type RolloutHandlers = Pick<PlatformHandlers, RolloutRouteName>;

/** The rollout handlers over a rollout service. */
export function rolloutHandlers(rollouts: RolloutService): RolloutHandlers {
  return {
    startRollout: async (req) => ({ rollout: toRolloutInfo(await rollouts.start(req.name, specInputFromWire(req))) }),
    listRollouts: async (req) => ({
      rollouts: (await rollouts.list(req.name, clampLimit(req.limit))).map(toRolloutInfo),
    }),
    getRollout: async (req) => {
      const { rollout, events } = await rollouts.status(req.name);
      return { rollout: toRolloutInfo(rollout), events: events.map(toEventInfo) };
    },
    promoteRollout: async (req) => ({ rollout: toRolloutInfo(await rollouts.promote(req.name)) }),
    abortRollout: async (req) => ({
      rollout: toRolloutInfo(await rollouts.abort(req.name, req.reason ? `by request: ${req.reason}` : "by request")),
    }),
    rollbackRollout: async (req) => ({ rollout: toRolloutInfo(await rollouts.rollback(req.name)) }),
  };
}

function clampLimit(limit: number | undefined): number {
  return Math.min(Math.max(limit ?? 20, 1), 1000);
}
