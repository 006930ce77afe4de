/** Handlers of the downsampled metric history route (charts never get every point). */
import { invalidParam } from "../../core/errors.js";
import type { TrackingStore } from "../../tracking/tracking-store.js";
import type { PlatformHandlers } from "./handlers.js";

/** Default and bounds of `max_points`: a chart is ~1,000 pixels wide. */
export const MAX_POINTS = { default: 1000, min: 2, max: 10_000 } as const;

/** Handlers for the metric history route over a tracking store. */
export function metricHistoryHandlers(tracking: TrackingStore): Pick<PlatformHandlers, "getMetricHistory"> {
  return {
    getMetricHistory: async (req) => {
      const maxPoints = req.max_points ?? MAX_POINTS.default;
      if (maxPoints < MAX_POINTS.min || maxPoints > MAX_POINTS.max)
        throw invalidParam(
          `Invalid value ${maxPoints} for parameter 'max_points': expected ${MAX_POINTS.min} to ${MAX_POINTS.max}.`,
        );
      const h = await tracking.getMetricHistoryDownsampled(req.run_id, req.key, maxPoints);
      return {
        run_id: req.run_id,
        key: req.key,
        total_points: h.totalPoints,
        downsampled: h.downsampled,
        points: h.points,
      };
    },
  };
}
