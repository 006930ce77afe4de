/**
 * The `evaluate` step: score a registered version (by version or alias) on evaluation data and
 * report the headline metrics of its kind (binary, regression, multiclass), logged on the step's
 * tracking run when there is one.
 */

import type { RegistryStore } from "../../registry/registry-store.js";
import type { TrackingStore } from "../../tracking/tracking-store.js";
import type { StepExecutor } from "../step-executor.js";
import { PermanentStepError } from "../step-executor.js";
import { evalTruth, kindOutputs } from "./eval-truth.js";
import type { GateExecutorDeps } from "./gate-executor.js";
import { scoreWith } from "./gate-executor.js";
import { headlineMetrics } from "./headline-metrics.js";
import { knownSettings, optionalString, requiredString } from "./settings.js";

/** The gate's loaders, plus where metrics are logged (optional). */
export interface EvaluateDeps extends Pick<GateExecutorDeps, "loadModel" | "loadEval"> {
  registry: Pick<RegistryStore, "getModelVersion" | "getModelVersionByAlias">;
  tracking?: Pick<TrackingStore, "logBatch">;
}

/**
 * `with: {model, version | alias, data, label?}` → `{model, version, data, kind, metrics}`; metrics
 * are {roc_auc, pr_auc, log_loss, ...} (binary), {rmse, mae, r2} (regression) or {log_loss,
 * accuracy, macro_f1} (multiclass), each with `rows`.
 */
export function evaluateExecutor(deps: EvaluateDeps): StepExecutor {
  return {
    run: async (ctx) => {
      const s = ctx.settings;
      const step = ctx.step.name;
      knownSettings(s, ["model", "version", "alias", "data", "label"], step);
      const model = requiredString(s, "model", step);
      const version = optionalString(s, "version", step);
      const alias = optionalString(s, "alias", step);
      if ((version === undefined) === (alias === undefined)) {
        throw new PermanentStepError(`step '${step}': give exactly one of with.version and with.alias`);
      }
      const resolved =
        version !== undefined
          ? await deps.registry.getModelVersion({ name: model, version })
          : await deps.registry.getModelVersionByAlias({ name: model, alias: alias as string });
      const data = await deps.loadEval(requiredString(s, "data", step), ctx.baseDir ?? ctx.workDir);
      const label = optionalString(s, "label", step);
      const scored = await scoreWith(deps, model, resolved.version, data.table, (m) => {
        try {
          return evalTruth(data.table, m, label);
        } catch (e) {
          throw new PermanentStepError(`step '${step}': ${(e as Error).message}`, { cause: e });
        }
      });
      ctx.signal.throwIfAborted();
      const truth = scored.checked;
      const metrics = headlineMetrics(truth, kindOutputs(scored.model, scored.parts));
      ctx.log(
        `${model}/${resolved.version} on ${data.ref}: ${Object.entries(metrics)
          .map(([k, v]) => `${k} ${v === null ? "n/a" : Number(v.toFixed(4))}`)
          .join(", ")}`,
      );
      if (deps.tracking) {
        const now = Date.now();
        const list = Object.entries(metrics)
          .filter((m): m is [string, number] => m[1] !== null)
          .map(([key, value]) => ({ key, value, timestamp: now, step: 0 }));
        await deps.tracking.logBatch(ctx.runId, { metrics: list }).catch((err: unknown) => {
          ctx.log(`warning: metrics not logged on run ${ctx.runId}: ${err instanceof Error ? err.message : err}`);
        });
      }
      return { model, version: resolved.version, data: data.ref, kind: truth.kind, metrics };
    },
  };
}
