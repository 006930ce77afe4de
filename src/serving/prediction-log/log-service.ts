/**
 * The prediction log beyond the serving path: planning and running exports (on a worker thread
 * when the store can be opened there, so the serving thread only passes bytes along).
 */
import type { Database } from "../../core/db/database.js";
import { notFound } from "../../core/errors.js";
import type { ExportPlan, ExportQuery, InputTypes } from "./export/export-plan.js";
import { planExport } from "./export/export-plan.js";
import type { ExportFormat } from "./export/export-sinks.js";
import type { ExportStore } from "./export/export-thread.js";
import { exportChunks } from "./export/log-export.js";
import { workerExportChunks } from "./export/worker-export.js";
import { LogCatalog } from "./sql/log-catalog.js";

export interface PredictionLogServiceDeps {
  /** The platform's connection (plans and in-process exports read here). */
  db: Database;
  /** Where a worker thread can open the store; exports run in-process without it. */
  exportStore?: ExportStore;
  /** Model input types (from signatures), for typed export columns. */
  inputTypes?: InputTypes;
  /** Whether `name` is a deployment now (a deleted one's log can still be exported while kept). */
  deploymentExists?: (name: string) => Promise<boolean>;
}

/** Exports of deployments' prediction logs. */
export class PredictionLogService {
  readonly catalog = new LogCatalog();

  constructor(private readonly deps: PredictionLogServiceDeps) {}

  /** The columns and bounds of an export; RESOURCE_DOES_NOT_EXIST for a deployment with neither settings nor log. */
  async plan(query: ExportQuery): Promise<ExportPlan> {
    const plan = await planExport(this.deps.db, this.catalog, query, this.deps.inputTypes);
    if (plan.deploymentId === undefined && !(await this.deps.deploymentExists?.(query.deployment))) {
      throw notFound(`Deployment '${query.deployment}' does not exist and has no prediction log.`);
    }
    return plan;
  }

  /** The bytes of a planned export; `inWorker` (default: when the store allows) reads on a worker thread. */
  chunks(
    plan: ExportPlan,
    format: ExportFormat,
    options: { inWorker?: boolean; progress?: { rows: number } } = {},
  ): AsyncGenerator<Uint8Array> {
    const store = this.deps.exportStore;
    if (store && options.inWorker !== false) return workerExportChunks(store, plan, format, options.progress);
    return exportChunks({ q: this.deps.db, catalog: this.catalog }, plan, format, options.progress);
  }
}
