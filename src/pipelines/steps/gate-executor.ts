/**
 * The `gate` step: score the evaluation data with the candidate version and the model's champion,
 * decide with {@link decideGate}, and on promotion point the `challenger` alias at the candidate
 * (a rollout then moves `champion`). A rejection is a successful step with `promote: false`.
 */
import { isMwError } from "../../core/errors.js";
import type { Table } from "../../data/table.js";
import type { RegistryStore } from "../../registry/registry-store.js";
import type { PartScores } from "../../runtimes/part-scores.js";
import { partScores } from "../../runtimes/part-scores.js";
import type { LoadedModel } from "../../runtimes/runtime.js";
import type { StepContext, StepExecutor } from "../step-executor.js";
import { PermanentStepError } from "../step-executor.js";
import type { EvalTruth } from "./eval-truth.js";
import { alignedOutputs, evalTruth, kindOutputs } from "./eval-truth.js";
import type { GateDecision, GateInput } from "./gate.js";
import { decideGate } from "./gate.js";
import { checkMetricKind, DEFAULT_GATE_METRIC, type GateMetric } from "./gate-metrics.js";
import type { GateSettings } from "./gate-settings.js";
import { gateSettings } from "./gate-settings.js";

/** The evaluation data a reference (`NAME@VERSION` or a file) names, with what identifies its content. */
export interface EvalData {
  table: Table;
  /** The resolved reference, e.g. `churn_holdout@3`. */
  ref: string;
  digest?: string;
}

/** What a rejected challenger tells people (Slack, email, ...). */
export interface GateNotice {
  pipelineRunId: string;
  step: string;
  model: string;
  candidate: string;
  champion: string | null;
  reason: string;
  decision: GateDecision;
}

/** A model held for one step; `close` lets go of what it holds (Python workers, its folder). */
export interface HeldModel {
  predictor: LoadedModel;
  close?: () => Promise<void>;
}

/** What the gate needs; loading is injected so the pipeline decides where packages and data come from. */
export interface GateExecutorDeps {
  registry: RegistryStore;
  /** Load a registered version's package (e.g. {@link loadVersion} in serving/model-resolver). */
  loadModel(name: string, version: string): Promise<HeldModel>;
  /** Load the evaluation data; `workDir` resolves relative file paths. */
  loadEval(ref: string, workDir: string): Promise<EvalData>;
  notify(notice: GateNotice): Promise<void> | void;
}

/** The alias a promoted candidate gets. */
export const CHALLENGER_ALIAS = "challenger";

/** The executor of `gate` steps. */
export function gateExecutor(deps: GateExecutorDeps): StepExecutor {
  return {
    async run(ctx: StepContext): Promise<Record<string, unknown>> {
      const s = permanentSettings(ctx.step.name, () => gateSettings(ctx.settings));
      const candidate = (await deps.registry.getModelVersion({ name: s.model, version: s.candidate })).version;
      const champion = await championVersion(deps.registry, s.model);
      // Relative paths are relative to the pipeline file's folder, as for every other step.
      const data = await deps.loadEval(s.eval, ctx.baseDir ?? ctx.workDir);
      // Both models score the very same table, so the comparison is on one dataset version.
      const challenger = await scoreWith(deps, s.model, candidate, data.table, (m) => {
        const truth = permanentSettings(ctx.step.name, () => evalTruth(data.table, m, s.label));
        return { truth, metric: permanentSettings(ctx.step.name, () => kindMetric(s, truth)) };
      });
      ctx.signal.throwIfAborted();
      const { truth, metric } = challenger.checked;
      const championOutputs =
        champion === null
          ? undefined
          : await scoreWith(deps, s.model, champion, data.table).then(({ parts, model }) =>
              permanentSettings(ctx.step.name, () =>
                alignedOutputs(truth, model, parts, `champion ${s.model}/${champion}`),
              ),
            );
      ctx.signal.throwIfAborted();
      const input: GateInput = {
        kind: truth.kind,
        labels: truth.y,
        challenger: kindOutputs(challenger.model, challenger.parts),
        metric,
        minImprovement: s.minImprovement,
        ...(truth.classes ? { classes: truth.classes.length } : {}),
        ...(championOutputs ? { champion: championOutputs } : {}),
        ...(s.floor === undefined ? {} : { floor: s.floor }),
        ...(s.bootstrap ? { bootstrap: s.bootstrap } : {}),
        ...(s.guardrails ? { guardrails: s.guardrails } : {}),
      };
      const decision = decideGate(input);
      const evidence = {
        ...decision.evidence,
        model: s.model,
        candidate,
        champion,
        eval: { ref: data.ref, digest: data.digest ?? null },
      };
      ctx.log(`gate ${decision.promote ? "PROMOTE" : "REJECT"} ${s.model}/${candidate}: ${decision.reason}`);
      if (decision.promote) {
        await deps.registry.setAlias({ name: s.model, alias: CHALLENGER_ALIAS, version: candidate });
        ctx.log(`set ${s.model}@${CHALLENGER_ALIAS} → version ${candidate}`);
      } else {
        await deps.notify({
          pipelineRunId: ctx.pipelineRunId,
          step: ctx.step.name,
          model: s.model,
          candidate,
          champion,
          reason: decision.reason,
          decision,
        });
      }
      return { promote: decision.promote, reason: decision.reason, evidence };
    },
  };
}

/** The champion's version, or null when the alias is not set (the first model). */
async function championVersion(registry: RegistryStore, model: string): Promise<string | null> {
  try {
    return (await registry.getModelVersionByAlias({ name: model, alias: "champion" })).version;
  } catch (e) {
    // The registry reports a missing alias as INVALID_PARAMETER_VALUE (MLflow's behaviour).
    if (isMwError(e) && (e.code === "INVALID_PARAMETER_VALUE" || e.code === "RESOURCE_DOES_NOT_EXIST")) return null;
    throw e;
  }
}

/** The metric the gate decides on for the candidate's kind (the settings' or the kind's default), checked with the guardrails. */
function kindMetric(s: GateSettings, truth: EvalTruth): GateMetric {
  const metric = s.metric ?? DEFAULT_GATE_METRIC[truth.kind];
  checkMetricKind("metric", metric, truth.kind);
  for (const m of Object.keys(s.guardrails ?? {}) as GateMetric[]) checkMetricKind(`guardrails.${m}`, m, truth.kind);
  return metric;
}

/**
 * Load a version, check it with `check` (before scoring), score `table`, and let go of the model
 * (what is returned of it — kind, classes, signature — stays readable).
 */
export async function scoreWith<T = undefined>(
  deps: Pick<GateExecutorDeps, "loadModel">,
  name: string,
  version: string,
  table: Table,
  check?: (model: LoadedModel) => T,
): Promise<{ parts: PartScores; checked: T; model: LoadedModel }> {
  const held = await deps.loadModel(name, version);
  try {
    const model = held.predictor;
    const checked = check ? check(model) : (undefined as T);
    return { parts: partScores(model, await model.predict(table), table.numRows), checked, model };
  } finally {
    await held.close?.();
  }
}

/** Bad settings fail the same way on every attempt, so the runner must not retry them. */
function permanentSettings<T>(step: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (isMwError(e)) throw new PermanentStepError(`step '${step}': ${e.message}`, { cause: e });
    throw e;
  }
}
