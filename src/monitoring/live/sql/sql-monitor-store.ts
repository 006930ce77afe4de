/** Monitor configs, results and alerts over SQL (SQLite or PostgreSQL through the portable {@link Database}). */
import type { Database, SqlValue } from "../../../core/db/database.js";
import { MwError, notFound } from "../../../core/errors.js";
import type { Alert, MonitorConfig, MonitorResult } from "../monitor.js";
import type { AlertQuery, MonitorStore, ResultQuery } from "../monitor-store.js";
import type { AlertRow, ConfigRow, ResultRow } from "./monitor-rows.js";
import {
  ALERT_COLUMNS,
  alertValues,
  configJson,
  finite,
  RESULT_COLUMNS,
  resultValues,
  toAlert,
  toConfig,
  toResult,
} from "./monitor-rows.js";

const CONFIG_COLUMNS = "deployment, config_json, created_time, updated_time, last_run_time";
const RESULTS = RESULT_COLUMNS.join(", ");
const ALERTS = ALERT_COLUMNS.join(", ");
const DEFAULT_LIMIT = 100;

/** The SQL {@link MonitorStore}. Needs the "monitoring" migrations applied. */
export class SqlMonitorStore implements MonitorStore {
  constructor(private readonly db: Database) {}

  async putConfig(config: MonitorConfig): Promise<MonitorConfig> {
    return this.db.transaction(async (tx) => {
      const old = await tx.get<ConfigRow>(`SELECT ${CONFIG_COLUMNS} FROM monitor_configs WHERE deployment = ?`, [
        config.deployment,
      ]);
      const stored = { ...config, createdTime: old ? Number(old.created_time) : config.createdTime };
      const lastRun = old?.last_run_time ?? null;
      if (lastRun !== null) stored.lastRunTime = Number(lastRun);
      else delete stored.lastRunTime;
      if (old) {
        await tx.run("UPDATE monitor_configs SET config_json = ?, updated_time = ? WHERE deployment = ?", [
          configJson(stored),
          stored.updatedTime,
          stored.deployment,
        ]);
      } else {
        await tx.run(`INSERT INTO monitor_configs (${CONFIG_COLUMNS}) VALUES (?, ?, ?, ?, NULL)`, [
          stored.deployment,
          configJson(stored),
          stored.createdTime,
          stored.updatedTime,
        ]);
      }
      return stored;
    });
  }

  async getConfig(deployment: string): Promise<MonitorConfig | undefined> {
    const row = await this.db.get<ConfigRow>(`SELECT ${CONFIG_COLUMNS} FROM monitor_configs WHERE deployment = ?`, [
      deployment,
    ]);
    return row ? toConfig(row) : undefined;
  }

  async listConfigs(): Promise<MonitorConfig[]> {
    const rows = await this.db.all<ConfigRow>(`SELECT ${CONFIG_COLUMNS} FROM monitor_configs ORDER BY deployment`);
    return rows.map(toConfig);
  }

  async deleteConfig(deployment: string): Promise<boolean> {
    return (await this.db.run("DELETE FROM monitor_configs WHERE deployment = ?", [deployment])) > 0;
  }

  async markRun(deployment: string, time: number): Promise<void> {
    await this.db.run("UPDATE monitor_configs SET last_run_time = ? WHERE deployment = ?", [time, deployment]);
  }

  async addResults(results: readonly MonitorResult[]): Promise<void> {
    if (results.length === 0) return;
    await this.db.transaction(async (tx) => {
      await tx.insertMany("monitor_results", RESULT_COLUMNS, results.map(resultValues));
      for (const r of results) {
        if (r.modelName === undefined || r.modelVersion === undefined) continue;
        await tx.run(
          `INSERT INTO monitor_latest (deployment, model_name, model_version, result_id, time) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (deployment, model_name, model_version) DO UPDATE SET result_id = excluded.result_id,
             time = excluded.time
           WHERE excluded.time > monitor_latest.time
             OR (excluded.time = monitor_latest.time AND excluded.result_id > monitor_latest.result_id)`,
          [r.deployment, r.modelName, r.modelVersion, r.id, r.time],
        );
      }
    });
  }

  async listResults(q: ResultQuery): Promise<MonitorResult[]> {
    const where = ["deployment = ?"];
    const params: SqlValue[] = [q.deployment];
    if (q.since !== undefined) {
      where.push("time >= ?");
      params.push(q.since);
    }
    if (q.modelName !== undefined) {
      where.push("model_name = ?");
      params.push(q.modelName);
    }
    if (q.modelVersion !== undefined) {
      where.push("model_version = ?");
      params.push(q.modelVersion);
    }
    if (q.before !== undefined) {
      where.push("(time < ? OR (time = ? AND id < ?))");
      params.push(q.before.time, q.before.time, q.before.id);
    }
    params.push(limitOf(q.limit));
    const rows = await this.db.all<ResultRow>(
      `SELECT ${RESULTS} FROM monitor_results WHERE ${where.join(" AND ")} ORDER BY time DESC, id DESC LIMIT ?`,
      params,
    );
    return rows.map(toResult);
  }

  async latestResults(deployment: string): Promise<MonitorResult[]> {
    const cols = RESULT_COLUMNS.map((c) => `r.${c}`).join(", ");
    const rows = await this.db.all<ResultRow>(
      `SELECT ${cols} FROM monitor_latest l JOIN monitor_results r ON r.id = l.result_id
       WHERE l.deployment = ? ORDER BY r.time DESC, r.model_name, r.model_version`,
      [deployment],
    );
    return rows.map(toResult);
  }

  async createAlert(alert: Alert): Promise<Alert> {
    const marks = ALERT_COLUMNS.map(() => "?").join(", ");
    try {
      await this.db.run(`INSERT INTO monitor_alerts (${ALERTS}) VALUES (${marks})`, alertValues(alert));
    } catch (e) {
      if (!this.db.dialect.isUniqueViolation(e)) throw e;
      throw new MwError(
        "RESOURCE_ALREADY_EXISTS",
        `Alert '${alert.rule}' is already firing for deployment '${alert.deployment}'.`,
      );
    }
    return alert;
  }

  async updateAlert(alert: Alert): Promise<Alert> {
    const changed = await this.db.run(
      `UPDATE monitor_alerts SET status = ?, last_time = ?, resolved_time = ?, value = ?, threshold = ?,
         message = ?, model_name = ?, model_version = ? WHERE id = ?`,
      [
        alert.status,
        alert.lastTime,
        alert.resolvedTime ?? null,
        finite(alert.value),
        finite(alert.threshold),
        alert.message,
        alert.modelName ?? null,
        alert.modelVersion ?? null,
        alert.id,
      ],
    );
    if (changed === 0) throw notFound(`Alert '${alert.id}' does not exist.`);
    return alert;
  }

  async firingAlert(deployment: string, rule: string): Promise<Alert | undefined> {
    const row = await this.db.get<AlertRow>(
      `SELECT ${ALERTS} FROM monitor_alerts WHERE deployment = ? AND rule = ? AND status = 'firing'`,
      [deployment, rule],
    );
    return row ? toAlert(row) : undefined;
  }

  async listAlerts(q: AlertQuery): Promise<Alert[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (q.deployment !== undefined) {
      where.push("deployment = ?");
      params.push(q.deployment);
    }
    if (q.status !== undefined) {
      where.push("status = ?");
      params.push(q.status);
    }
    params.push(limitOf(q.limit));
    const filter = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
    const rows = await this.db.all<AlertRow>(
      `SELECT ${ALERTS} FROM monitor_alerts ${filter} ORDER BY first_time DESC, id DESC LIMIT ?`,
      params,
    );
    return rows.map(toAlert);
  }
}

function limitOf(limit: number | undefined): number {
  return Math.max(1, Math.floor(limit ?? DEFAULT_LIMIT));
}
