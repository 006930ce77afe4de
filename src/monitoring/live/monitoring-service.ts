/**
 * Live monitoring of deployments: configs, one run of the job (results stored, gauges set, alerts
 * evaluated and notified), status and history. The scheduler, the platform API and the CLI share it.
 */
import type { Registry } from "prom-client";
import { OutboundPolicy } from "../../auth/outbound-policy.js";
import type { Clock } from "../../core/clock.js";
import { invalidParam, isMwError, notFound } from "../../core/errors.js";
import type { DatasetRef } from "../../data/versions/dataset-ref.js";
import { parseDatasetRef } from "../../data/versions/dataset-ref.js";
import type { RegistryStore } from "../../registry/registry-store.js";
import type { Deployment } from "../../serving/deployments/deployment.js";
import { servedPrimaryRef } from "../../serving/deployments/deployment.js";
import { lookupVersion, parseModelRef } from "../../serving/model-resolver.js";
import type { PredictionLogStore } from "../../serving/prediction-log/prediction-log-store.js";
import type { AlertChange } from "../alerts/alert-engine.js";
import { evaluateAlerts } from "../alerts/alert-engine.js";
import type { RequestTotalsReader } from "../alerts/error-rates.js";
import { ErrorRateTracker } from "../alerts/error-rates.js";
import type { AlertNotifier } from "../alerts/notifiers.js";
import { notifierFor } from "../alerts/notifiers.js";
import type { ModelFactsCache, ReferenceDataset } from "./model-facts.js";
import type { Alert, AlertRule, MonitorConfig, MonitorResult } from "./monitor.js";
import { ruleKey } from "./monitor.js";
import { MonitorGauges } from "./monitor-gauges.js";
import { failedResult } from "./monitor-job.js";
import type { MonitorRunner } from "./monitor-runner.js";
import { localRunner } from "./monitor-runner.js";
import type { AlertQuery, MonitorStore, ResultQuery } from "./monitor-store.js";
import type { SetMonitorWire } from "./monitor-wire.js";
import { settingsFromWire } from "./monitor-wire.js";
import type { AggregateSpec } from "./windows/aggregate-spec.js";
import { aggregateSpec } from "./windows/aggregate-spec.js";
import type { BackfillState, BackfillStore } from "./windows/backfill-store.js";
import type { WindowStore } from "./windows/window-store.js";

export interface MonitoringDeps {
  store: MonitorStore;
  predictions: PredictionLogStore;
  /** The window aggregates time windows are merged from. */
  windows: WindowStore;
  /** The progress of building buckets of earlier predictions (for the status). */
  backfill?: Pick<BackfillStore, "state">;
  /** What runs the job (default: this thread). */
  runner?: MonitorRunner;
  deployments: { get(name: string): Promise<Deployment>; list(filter?: { status?: "active" }): Promise<Deployment[]> };
  registry: RegistryStore;
  facts: ModelFactsCache;
  clock: Clock;
  /** Where `log` notifiers write. */
  log?: (line: string) => void;
  warn?: (message: string) => void;
  gauges?: MonitorGauges;
  errorRates?: ErrorRateTracker;
  /** The age of each online feature view's newest materialized row (feature_freshness rules). */
  featureFreshness?: () => Promise<{ view: string; age_ms: number | null }[]>;
  /** The URLs webhook and Slack notifiers may use (default: none; checked when set and at each call). */
  outbound?: OutboundPolicy;
  /** The notifiers of a config (default: from its `notify` list). */
  notifiers?: (config: MonitorConfig) => AlertNotifier[];
  /** Called once per alert that fires (e.g. to start the pipeline its rule names); failures are warned. */
  onFired?: (alert: Alert) => Promise<unknown> | unknown;
  /**
   * Why a rule of `deployment` may not name `pipeline` (e.g. the pipeline declares no alert trigger
   * for it), or undefined when it may. Set where the process knows its pipelines (`up --pipeline`).
   */
  pipelineProblem?: (pipeline: string, deployment: string, rule: string) => string | undefined;
  /** The dataset version a `NAME[@VERSION]` reference names (the latest without a version); for `reference`. */
  datasetVersion?: (ref: DatasetRef) => Promise<ReferenceDataset>;
}

/** What one run did. */
export interface RunOutcome {
  results: MonitorResult[];
  changes: AlertChange[];
}

/** The status of a deployment's monitor. */
export interface MonitorStatus {
  config: MonitorConfig;
  latest: MonitorResult[];
  series: MonitorResult[];
  alerts: Alert[];
  /** While the buckets of earlier predictions are being built. */
  backfill?: BackfillState;
}

/** Configs, runs, results and alerts. */
export class MonitoringService {
  constructor(private readonly deps: MonitoringDeps) {}

  /** The same service publishing gauges on a serving registry and measuring error rates from its totals. */
  withServing(o: {
    registry: Registry;
    totals?: RequestTotalsReader;
    log?: (line: string) => void;
    onFired?: (alert: Alert) => Promise<unknown> | unknown;
    pipelineProblem?: MonitoringDeps["pipelineProblem"];
  }): MonitoringService {
    return new MonitoringService({
      ...this.deps,
      gauges: new MonitorGauges(o.registry),
      ...(o.totals ? { errorRates: new ErrorRateTracker(o.totals, this.deps.clock) } : {}),
      ...(o.log ? { log: o.log } : {}),
      ...(o.onFired ? { onFired: o.onFired } : {}),
      ...(o.pipelineProblem ? { pipelineProblem: o.pipelineProblem } : {}),
    });
  }

  /** The same service running jobs with `runner` (a worker thread with a time budget). */
  withRunner(runner: MonitorRunner): MonitoringService {
    return new MonitoringService({ ...this.deps, runner });
  }

  /** A model version's window aggregation plan (its signature and reference bins), from the facts monitors use. */
  async aggregateSpec(name: string, version: string): Promise<AggregateSpec> {
    const f = await this.deps.facts.get(name, version);
    return aggregateSpec(f.signature, f.reference);
  }

  /** Validate and store a deployment's monitor (replacing any). */
  async setConfig(deployment: string, wire: SetMonitorWire): Promise<MonitorConfig> {
    const d = await this.deps.deployments.get(deployment);
    const settings = settingsFromWire(wire);
    const outbound = this.deps.outbound ?? OutboundPolicy.none();
    settings.notify.forEach((n, i) => {
      if (n.type !== "log") outbound.assertAllowed(`notify[${i}].url`, n.url);
    });
    await this.checkFeatures(d, settings.alerts);
    this.checkPipelines(deployment, settings.alerts);
    const reference = wire.reference === undefined ? undefined : await this.referenceDataset(wire.reference);
    const now = this.deps.clock.now();
    return this.deps.store.putConfig({
      deployment,
      ...settings,
      ...(reference ? { reference } : {}),
      createdTime: now,
      updatedTime: now,
    });
  }

  /** The version a monitor's `reference` names, pinned when it is set (later versions do not move it). */
  private async referenceDataset(text: string): Promise<ReferenceDataset> {
    if (typeof text !== "string" || text.trim() === "") {
      throw invalidParam("Invalid value for 'reference': expected a dataset version NAME[@VERSION].");
    }
    const ref = parseDatasetRef(text);
    if (!this.deps.datasetVersion) {
      throw invalidParam("Invalid value for 'reference': this process has no dataset store to read it from.");
    }
    try {
      return await this.deps.datasetVersion(ref);
    } catch (e) {
      if (!isMwError(e) || e.status >= 500) throw e;
      throw invalidParam(`Invalid value for 'reference': ${e.message}`);
    }
  }

  /** A deployment's monitor; RESOURCE_DOES_NOT_EXIST when it has none. */
  async getConfig(deployment: string): Promise<MonitorConfig> {
    const config = await this.deps.store.getConfig(deployment);
    if (!config) {
      throw notFound(`Deployment '${deployment}' has no monitor; set one with 'modelworks monitor set ${deployment}'.`);
    }
    return config;
  }

  async deleteConfig(deployment: string): Promise<void> {
    if (!(await this.deps.store.deleteConfig(deployment))) await this.getConfig(deployment);
  }

  /** Config, the newest result per model version, the `limit` newest results and the firing alerts. */
  async status(deployment: string, limit = 20): Promise<MonitorStatus> {
    const config = await this.getConfig(deployment);
    const [latest, series, alerts, backfill] = await Promise.all([
      this.deps.store.latestResults(deployment),
      this.deps.store.listResults({ deployment, limit }),
      this.deps.store.listAlerts({ deployment, status: "firing" }),
      this.deps.backfill?.state(deployment),
    ]);
    return { config, latest, series, alerts, ...(backfill && backfill.doneTime === undefined ? { backfill } : {}) };
  }

  /** Online views' ages when a rule needs them (a failing read leaves the rules undecided). */
  private async freshnessFor(config: MonitorConfig): Promise<{ freshness?: ReadonlyMap<string, number | null> }> {
    const read = this.deps.featureFreshness;
    if (!read || !config.alerts.some((a) => a.type === "feature_freshness")) return {};
    try {
      return { freshness: new Map((await read()).map((v) => [v.view, v.age_ms])) };
    } catch (e) {
      this.warn(`feature freshness of ${config.deployment}: ${e instanceof Error ? e.message : String(e)}`);
      return {};
    }
  }

  /** Run a deployment's monitor now. */
  async run(deployment: string): Promise<RunOutcome> {
    await this.deps.deployments.get(deployment);
    return this.runConfig(await this.getConfig(deployment));
  }

  /** Run one config: the job (a failure is recorded as a result), gauges, alerts. */
  async runConfig(config: MonitorConfig): Promise<RunOutcome> {
    const { store, clock } = this.deps;
    let results: MonitorResult[];
    try {
      results = await (this.deps.runner ?? localRunner(this.deps)).run(config);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.warn(`monitor of ${config.deployment} failed: ${message}`);
      results = [failedResult(config.deployment, clock.now(), message)];
    }
    await store.addResults(results);
    await store.markRun(config.deployment, clock.now());
    this.deps.gauges?.setResults(results);
    const errorRate = config.alerts.some((a) => a.type === "error_rate")
      ? this.deps.errorRates?.rate(
          config.deployment,
          config.window.kind === "time" ? config.window.ms : config.intervalMs,
        )
      : undefined;
    const { changes, firing } = await evaluateAlerts(
      config,
      results.filter((r) => r.error === undefined),
      errorRate,
      {
        store,
        clock,
        notifiers: this.deps.notifiers ?? ((c) => this.notifiersOf(c)),
        warn: (m) => this.warn(m),
        ...(await this.freshnessFor(config)),
      },
    );
    this.deps.gauges?.setAlerts([...firing, ...changes.filter((c) => c.change === "resolved").map((c) => c.alert)]);
    for (const c of changes) {
      if (c.change !== "fired" || !this.deps.onFired) continue;
      try {
        await this.deps.onFired(c.alert);
      } catch (e) {
        this.warn(`alert ${c.alert.rule} on ${c.alert.deployment}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return { results, changes };
  }

  /** Every monitor's config, by deployment name. */
  async configs(): Promise<MonitorConfig[]> {
    return (await this.deps.store.listConfigs()).sort((a, b) => a.deployment.localeCompare(b.deployment));
  }

  /** Configs of active deployments whose interval has passed since their last run. */
  async due(): Promise<MonitorConfig[]> {
    const now = this.deps.clock.now();
    const active = new Set((await this.deps.deployments.list({ status: "active" })).map((d) => d.name));
    return (await this.deps.store.listConfigs()).filter(
      (c) => active.has(c.deployment) && (c.lastRunTime === undefined || now - c.lastRunTime >= c.intervalMs),
    );
  }

  results(query: ResultQuery): Promise<MonitorResult[]> {
    return this.deps.store.listResults(query);
  }

  alerts(query: AlertQuery): Promise<Alert[]> {
    return this.deps.store.listAlerts(query);
  }

  private notifiersOf(config: MonitorConfig): AlertNotifier[] {
    const log = this.deps.log ?? (() => {});
    const outbound = this.deps.outbound ?? OutboundPolicy.none();
    return config.notify.map((spec) => notifierFor(spec, { log, now: () => this.deps.clock.now(), outbound }));
  }

  /** A feature_drift rule must name an input of the primary model (when the model can be read). */
  /** A rule may name only a pipeline that accepts its alerts (when this process can tell). */
  private checkPipelines(deployment: string, rules: readonly AlertRule[]): void {
    const problemOf = this.deps.pipelineProblem;
    if (!problemOf) return;
    rules.forEach((r, i) => {
      if (r.pipeline === undefined) return;
      const problem = problemOf(r.pipeline, deployment, ruleKey(r));
      if (problem) {
        throw invalidParam(
          `Invalid value for 'alerts[${i}].pipeline': rule ${ruleKey(r)} names pipeline '${r.pipeline}': ${problem}`,
        );
      }
    });
  }

  private async checkFeatures(d: Deployment, rules: readonly AlertRule[]): Promise<void> {
    if (!rules.some((r) => r.type === "feature_drift")) return;
    let inputs: string[];
    let model: string;
    try {
      const ref = parseModelRef(servedPrimaryRef(d));
      const version = await lookupVersion(ref, this.deps.registry);
      inputs = (await this.deps.facts.get(ref.name, version)).signature.inputs.map((i) => i.name);
      model = `${ref.name}/${version}`;
    } catch {
      return;
    }
    rules.forEach((r, i) => {
      if (r.type === "feature_drift" && !inputs.includes(r.feature)) {
        throw notFoundFeature(i, r.feature, model, inputs);
      }
    });
  }

  private warn(message: string): void {
    this.deps.warn?.(message);
  }
}

function notFoundFeature(i: number, feature: string, model: string, inputs: string[]) {
  const list = inputs.length > 12 ? `${inputs.slice(0, 12).join(", ")}, …` : inputs.join(", ");
  return invalidParam(`Invalid value for 'alerts[${i}].feature': '${feature}' is not an input of ${model} (${list}).`);
}
