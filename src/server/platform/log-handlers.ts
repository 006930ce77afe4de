/** Handlers for the prediction-log routes of the platform API (used by the server and the in-process CLI). */
import type { LogRouteName } from "../../core/api/platform-routes.js";
import type { PredictionLogService } from "../../serving/prediction-log/log-service.js";
import type { PlatformHandlers } from "./handlers.js";

export type LogHandlers = Pick<PlatformHandlers, LogRouteName>;

const CONTENT_TYPES = { parquet: "application/vnd.apache.parquet", csv: "text/csv; charset=utf-8" } as const;

/** The log handlers; `inWorker` false reads in this thread (the embedded CLI, which answers no requests). */
export function logHandlers(log: PredictionLogService, options: { inWorker?: boolean } = {}): LogHandlers {
  return {
    exportDeploymentLog: async (req) => {
      const format = req.format ?? "parquet";
      const plan = await log.plan({
        deployment: req.name,
        ...(req.from_time !== undefined ? { from: req.from_time } : {}),
        ...(req.to_time !== undefined ? { to: req.to_time } : {}),
        ...(req.variant !== undefined ? { variant: req.variant } : {}),
      });
      return {
        content_type: CONTENT_TYPES[format],
        file_name: `${req.name}-log.${format}`,
        chunks: log.chunks(plan, format, options.inWorker === undefined ? {} : { inWorker: options.inWorker }),
      };
    },
  };
}
