/** The metadata store of live monitoring: configs per deployment, results over time, alerts. */
import type { Alert, AlertStatus, MonitorConfig, MonitorResult } from "./monitor.js";

export interface ResultQuery {
  deployment: string;
  /** Only results at or after this time. */
  since?: number;
  modelName?: string;
  modelVersion?: string;
  /** Most results, newest first (default 100). */
  limit?: number;
  /** Only results before this one (newest first: the next page after it). */
  before?: { time: number; id: string };
}

export interface AlertQuery {
  /** Every deployment's when absent. */
  deployment?: string;
  /** Both when absent. */
  status?: AlertStatus;
  /** Most alerts, newest first (default 100). */
  limit?: number;
}

export interface MonitorStore {
  /** Create or replace a deployment's config (created time kept on replace). */
  putConfig(config: MonitorConfig): Promise<MonitorConfig>;
  /** A deployment's config, or undefined. */
  getConfig(deployment: string): Promise<MonitorConfig | undefined>;
  /** Every config, by deployment name. */
  listConfigs(): Promise<MonitorConfig[]>;
  /** Remove a config; false when there was none. Results and alerts stay. */
  deleteConfig(deployment: string): Promise<boolean>;
  /** Record when the job last ran. */
  markRun(deployment: string, time: number): Promise<void>;
  /** Append results. */
  addResults(results: readonly MonitorResult[]): Promise<void>;
  /** Results, newest first. */
  listResults(query: ResultQuery): Promise<MonitorResult[]>;
  /** The newest result of each model version of a deployment (results without a version excluded). */
  latestResults(deployment: string): Promise<MonitorResult[]>;
  /** Store a new firing alert; RESOURCE_ALREADY_EXISTS when the rule already fires for the deployment. */
  createAlert(alert: Alert): Promise<Alert>;
  /** Write an alert's changed fields (status, times, value, message, model). */
  updateAlert(alert: Alert): Promise<Alert>;
  /** The firing alert of a rule, if any. */
  firingAlert(deployment: string, rule: string): Promise<Alert | undefined>;
  /** Alerts, newest first (by first time). */
  listAlerts(query: AlertQuery): Promise<Alert[]>;
}
