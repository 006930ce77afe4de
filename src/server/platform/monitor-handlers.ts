/** Handlers for the monitoring routes of the platform API (used by the server and the in-process CLI). */
import type { MonitorResultInfo, MonitorRouteName } from "../../core/api/platform-routes.js";
import { invalidParam } from "../../core/errors.js";
import { toAlertInfo } from "../../monitoring/alerts/alert-wire.js";
import { toConfigInfo, toResultInfo } from "../../monitoring/live/monitor-wire.js";
import type { MonitoringService } from "../../monitoring/live/monitoring-service.js";
import type { PlatformHandlers } from "./handlers.js";

export type MonitorHandlers = Pick<PlatformHandlers, MonitorRouteName>;

/** The monitoring handlers over a monitoring service. */
export function monitorHandlers(monitoring: MonitoringService): MonitorHandlers {
  return {
    getMonitor: async (req) => {
      const s = await monitoring.status(req.name, limitOf("limit", req.limit, 20));
      return {
        monitor: toConfigInfo(s.config),
        latest: s.latest.map(toResultInfo),
        series: s.series.map(toResultInfo),
        alerts: s.alerts.map(toAlertInfo),
      };
    },
    setMonitor: async (req) => {
      const { name, ...settings } = req;
      return { monitor: toConfigInfo(await monitoring.setConfig(name, settings)) };
    },
    deleteMonitor: async (req) => {
      await monitoring.deleteConfig(req.name);
      return {};
    },
    runMonitor: async (req) => {
      const { results, changes } = await monitoring.run(req.name);
      return {
        results: results.map(toResultInfo),
        alerts: changes.map((c) => ({ change: c.change, alert: toAlertInfo(c.alert) })),
      };
    },
    listMonitors: async () => ({ monitors: (await monitoring.configs()).map(toConfigInfo) }),
    listMonitorResults: async (req) => {
      await monitoring.getConfig(req.name);
      const results = await monitoring.results({
        deployment: req.name,
        limit: limitOf("limit", req.limit, 100),
        ...(req.since_time !== undefined ? { since: req.since_time } : {}),
        ...(req.model !== undefined ? { modelName: req.model } : {}),
        ...(req.version !== undefined ? { modelVersion: req.version } : {}),
      });
      // Histograms are ~20 bins per feature per result: sent only when asked for (the latest result's plots).
      const infos = results.map(toResultInfo);
      return { results: req.histograms ? infos : infos.map(withoutHistograms) };
    },
    listAlerts: async (req) => {
      const status = req.status ?? "firing";
      const alerts = await monitoring.alerts({
        ...(req.deployment !== undefined ? { deployment: req.deployment } : {}),
        ...(status !== "all" ? { status } : {}),
        limit: limitOf("limit", req.limit, 100),
      });
      return { alerts: alerts.map(toAlertInfo) };
    },
  };
}

function limitOf(field: string, v: number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isSafeInteger(v) || v < 1 || v > 10_000) {
    throw invalidParam(`Invalid value for '${field}': expected a whole number from 1 to 10000, got ${v}.`);
  }
  return v;
}

function withoutHistograms(r: MonitorResultInfo): MonitorResultInfo {
  return { ...r, features: r.features.map(({ histogram: _, ...f }) => f) };
}
