/** Alerts on the wire (snake_case): the API's answers and the notification payloads. */
import type { AlertInfo } from "../../core/api/platform-routes.js";
import type { Alert } from "../live/monitor.js";

/** An alert as the API returns it and webhooks receive it. */
export function toAlertInfo(a: Alert): AlertInfo {
  return {
    id: a.id,
    deployment: a.deployment,
    rule: a.rule,
    status: a.status,
    first_time: a.firstTime,
    last_time: a.lastTime,
    ...(a.resolvedTime !== undefined ? { resolved_time: a.resolvedTime } : {}),
    value: a.value !== null && Number.isFinite(a.value) ? a.value : null,
    threshold: a.threshold !== null && Number.isFinite(a.threshold) ? a.threshold : null,
    message: a.message,
    ...(a.modelName !== undefined ? { model: a.modelName } : {}),
    ...(a.modelVersion !== undefined ? { version: a.modelVersion } : {}),
    ...(a.pipeline !== undefined ? { pipeline: a.pipeline } : {}),
  };
}
