/**
 * Alerts after each monitor run: a rule whose condition holds fires once (one firing alert per rule
 * and deployment, notified once) and stays firing while it holds; when the condition clears the
 * alert resolves (notified once). A run that cannot tell leaves the alert as it is.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../core/clock.js";
import { isMwError } from "../../core/errors.js";
import type { Alert, MonitorConfig, MonitorResult } from "../live/monitor.js";
import { ruleKey } from "../live/monitor.js";
import type { MonitorStore } from "../live/monitor-store.js";
import type { Condition, ErrorRateReading } from "./alert-rules.js";
import { evaluateRule } from "./alert-rules.js";
import type { AlertNotice, AlertNotifier } from "./notifiers.js";

/** An alert that fired or resolved in this evaluation. */
export interface AlertChange {
  change: "fired" | "resolved";
  alert: Alert;
}

export interface AlertEngineDeps {
  store: MonitorStore;
  clock: Clock;
  /** The notifiers of a config's `notify` list. */
  notifiers: (config: MonitorConfig) => AlertNotifier[];
  warn: (message: string) => void;
  /** Age (ms, null: nothing materialized) of each online feature view, for feature_freshness rules. */
  freshness?: ReadonlyMap<string, number | null>;
}

/** Evaluate every rule of `config` on a run's results; returns what changed and what fires now. */
export async function evaluateAlerts(
  config: MonitorConfig,
  results: readonly MonitorResult[],
  errorRate: ErrorRateReading | undefined,
  deps: AlertEngineDeps,
): Promise<{ changes: AlertChange[]; firing: Alert[] }> {
  const now = deps.clock.now();
  const changes: AlertChange[] = [];
  const firing: Alert[] = [];
  for (const rule of config.alerts) {
    const key = ruleKey(rule);
    const cond = evaluateRule(rule, results, config, errorRate, deps.freshness);
    const current = await deps.store.firingAlert(config.deployment, key);
    if (cond.holds === true) {
      if (current) firing.push(await deps.store.updateAlert({ ...current, ...evidence(cond), lastTime: now }));
      else {
        const alert: Alert = {
          id: randomUUID(),
          deployment: config.deployment,
          rule: key,
          status: "firing",
          firstTime: now,
          lastTime: now,
          ...evidence(cond),
          ...(rule.pipeline !== undefined ? { pipeline: rule.pipeline } : {}),
        };
        const created = await createOnce(deps.store, alert);
        firing.push(created ?? alert);
        if (created) changes.push({ change: "fired", alert });
      }
    } else if (cond.holds === false && current) {
      changes.push({ change: "resolved", alert: await resolve(deps.store, current, now, evidence(cond)) });
    } else if (current) firing.push(current);
  }
  // Rules taken out of the config resolve their alerts.
  const keys = new Set(config.alerts.map(ruleKey));
  for (const stale of await deps.store.listAlerts({ deployment: config.deployment, status: "firing", limit: 1000 })) {
    if (keys.has(stale.rule)) continue;
    const message = `the rule was removed from the monitor (was: ${stale.message})`;
    changes.push({ change: "resolved", alert: await resolve(deps.store, stale, now, { message }) });
  }
  await notifyAll(config, changes, deps);
  return { changes, firing };
}

function evidence(c: Condition): Pick<Alert, "value" | "threshold" | "message" | "modelName" | "modelVersion"> {
  return {
    value: c.value,
    threshold: c.threshold,
    message: c.message,
    ...(c.modelName !== undefined ? { modelName: c.modelName, modelVersion: c.modelVersion } : {}),
  };
}

/** Store a new firing alert; undefined when another evaluator fired the same rule first. */
async function createOnce(store: MonitorStore, alert: Alert): Promise<Alert | undefined> {
  try {
    return await store.createAlert(alert);
  } catch (e) {
    if (isMwError(e) && e.code === "RESOURCE_ALREADY_EXISTS") return undefined;
    throw e;
  }
}

function resolve(store: MonitorStore, alert: Alert, now: number, change: Partial<Alert>): Promise<Alert> {
  return store.updateAlert({ ...alert, ...change, status: "resolved", resolvedTime: now, lastTime: now });
}

async function notifyAll(config: MonitorConfig, changes: readonly AlertChange[], deps: AlertEngineDeps) {
  if (changes.length === 0) return;
  const notifiers = deps.notifiers(config);
  for (const c of changes) {
    const notice: AlertNotice = { status: c.change === "fired" ? "firing" : "resolved", alert: c.alert };
    const outcomes = await Promise.all(notifiers.map((n) => n.notify(notice)));
    for (const o of outcomes) {
      if (!o.ok) deps.warn(`alert notification (${c.alert.rule} ${notice.status}) failed: ${o.error}`);
    }
  }
}
