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
        ...(s.backfill
          ? {
              window_backfill: {
                built_rows: s.backfill.rows,
                through_time: s.backfill.next,
                until_time: s.backfill.until,
              },
            }
          : {}),
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
      const limit = limitOf("limit", req.limit, 100);
      const results = await monitoring.results({
        deployment: req.name,
        limit,
        ...(req.page_token !== undefined ? { before: pageAfter(req.page_token) } : {}),
        ...(req.since_time !== undefined ? { since: req.since_time } : {}),
        ...(req.model !== undefined ? { modelName: req.model } : {}),
        ...(req.version !== undefined ? { modelVersion: req.version } : {}),
      });
      // Histograms are ~20 bins per feature per result: sent only when asked for (the latest result's plots).
      const infos = results.map(toResultInfo);
      const last = results.length === limit ? results[results.length - 1] : undefined;
      return {
        results: req.histograms ? infos : infos.map(withoutHistograms),
        ...(last ? { next_page_token: pageToken(last) } : {}),
      };
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

/** The token of the page after `r` (its time and id). */
function pageToken(r: { time: number; id: string }): string {
  return Buffer.from(`${r.time}:${r.id}`).toString("base64url");
}

function pageAfter(token: string): { time: number; id: string } {
  const text = Buffer.from(token, "base64url").toString("utf8");
  const at = text.indexOf(":");
  const time = Number(text.slice(0, at));
  if (at < 1 || !Number.isSafeInteger(time) || at === text.length - 1) {
    throw invalidParam(
      `Invalid value for 'page_token': expected a next_page_token of an earlier answer, got '${token}'.`,
    );
  }
  return { time, id: text.slice(at + 1) };
}
