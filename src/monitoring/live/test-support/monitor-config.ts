/** A monitor config for unit tests: the service defaults over the last hour, with overrides. */
import type { MonitorConfig } from "../monitor.js";
import { MONITOR_DEFAULTS } from "../monitor-wire.js";

const HOUR = 3_600_000;

/** A config of `deployment`; `overrides` replace any field. */
export function monitorConfig(deployment: string, overrides: Partial<MonitorConfig> = {}): MonitorConfig {
  return {
    deployment,
    intervalMs: MONITOR_DEFAULTS.intervalMs,
    window: { kind: "time", ms: HOUR },
    minLabels: 100,
    aucMargin: 0.05,
    logLossMargin: 0.1,
    rmseMargin: MONITOR_DEFAULTS.rmseMargin,
    accuracyMargin: MONITOR_DEFAULTS.accuracyMargin,
    driftShare: 0.5,
    alerts: [],
    notify: [],
    createdTime: 0,
    updatedTime: 0,
    ...overrides,
  };
}
