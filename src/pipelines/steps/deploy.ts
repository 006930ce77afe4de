/**
 * The `deploy` step: roll a candidate out on a deployment as a canary (steps, interval, threshold).
 * A missing deployment is created serving `MODEL@champion`; when the model has no champion yet the
 * candidate becomes champion directly (the first model has nothing to be compared with).
 */
import { setTimeout as delay } from "node:timers/promises";
import { parseDuration } from "../../core/duration.js";
import { invalidParam, isMwError, MwError } from "../../core/errors.js";
import type { RegistryStore } from "../../registry/registry-store.js";
import type { AnalysisThresholds, Rollout } from "../../rollout/rollout.js";
import { isActivePhase } from "../../rollout/rollout.js";
import type { RolloutService } from "../../rollout/rollout-service.js";
import type { RolloutSpecInput } from "../../rollout/rollout-spec.js";
import { THRESHOLD_WIRE_NAMES } from "../../rollout/rollout-spec.js";
import { servedPrimaryRef } from "../../serving/deployments/deployment.js";
import type { DeploymentService } from "../../serving/deployments/deployment-service.js";
import { lookupVersion, parseModelRef } from "../../serving/model-resolver.js";
import type { StepContext, StepExecutor } from "../step-executor.js";
import { PermanentStepError } from "../step-executor.js";
import { knownSettings } from "./gate-settings.js";

export interface DeployExecutorDeps {
  rollouts: RolloutService;
  deployments: DeploymentService;
  registry: RegistryStore;
  /** Wait between status polls; rejects when the signal aborts (default: a real timer). */
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
}

/** Validated deploy settings. */
interface DeploySettings {
  deployment: string;
  candidate: string;
  spec: Omit<RolloutSpecInput, "candidate">;
  wait: boolean;
  pollMs: number;
}

/** The executor of `deploy` steps: outputs `{rollout_id, phase}` (rollout_id null when no canary was needed). */
export function deployExecutor(deps: DeployExecutorDeps): StepExecutor {
  const sleep = deps.sleep ?? ((ms, signal) => delay(ms, undefined, { signal }));
  return {
    async run(ctx: StepContext): Promise<Record<string, unknown>> {
      const s = permanentSettings(ctx.step.name, () => deploySettings(ctx.settings));
      const ref = parseModelRef(s.candidate);
      const version = await lookupVersion(ref, deps.registry);
      const candidate = `${ref.name}/${version}`;
      const existing = await deps.deployments.get(s.deployment).catch(missingAsUndefined);
      if (!existing) {
        const champion = await championVersion(deps.registry, ref.name);
        if (champion === null) await deps.registry.setAlias({ name: ref.name, alias: "champion", version });
        await deps.deployments.create({ name: s.deployment, primary: `${ref.name}@champion` });
        ctx.log(`created deployment ${s.deployment} serving ${ref.name}@champion`);
        if (champion === null || champion === version) {
          const reason = `${candidate} is the first champion of ${ref.name}; deployed without a canary`;
          ctx.log(reason);
          return { rollout_id: null, phase: "succeeded", reason };
        }
      } else if ((await primaryVersion(deps.registry, servedPrimaryRef(existing), ref.name)) === version) {
        const reason = `${s.deployment} already serves ${candidate}`;
        ctx.log(reason);
        return { rollout_id: null, phase: "succeeded", reason };
      }
      // A retried step finds the rollout its earlier attempt started instead of failing on it.
      const latest = (await deps.rollouts.list(s.deployment, 1))[0];
      const rollout =
        latest && isActivePhase(latest.phase) && latest.spec.candidate === candidate
          ? latest
          : await deps.rollouts.start(s.deployment, { ...s.spec, candidate }).catch(refusalIsPermanent);
      ctx.log(`rollout ${rollout.id} of ${candidate} on ${s.deployment}: ${rollout.phase}`);
      const final = s.wait ? await waitForEnd(deps.rollouts, rollout, s.pollMs, sleep, ctx) : rollout;
      if (final.phase === "rolled_back") {
        // A retry would roll the same model out again; the rollback is the verdict.
        throw new PermanentStepError(
          `Rollout ${final.id} of ${candidate} on ${s.deployment} was rolled back: ${final.reason ?? "no reason recorded"}`,
        );
      }
      return { rollout_id: final.id, phase: final.phase };
    },
  };
}

async function waitForEnd(
  rollouts: RolloutService,
  start: Rollout,
  pollMs: number,
  sleep: (ms: number, signal: AbortSignal) => Promise<void>,
  ctx: StepContext,
): Promise<Rollout> {
  let r = start;
  let last = `${r.phase}@${r.weight}`;
  while (isActivePhase(r.phase)) {
    // Cancelling the step stops the wait only; the rollout goes on under the controller.
    await sleep(pollMs, ctx.signal);
    const found = (await rollouts.list(r.deployment, 20)).find((x) => x.id === r.id);
    if (!found) throw new MwError("INVALID_STATE", `Rollout ${r.id} of ${r.deployment} disappeared while waiting.`);
    r = found;
    if (`${r.phase}@${r.weight}` !== last) ctx.log(`rollout ${r.id}: ${r.phase}, candidate at ${r.weight}%`);
    last = `${r.phase}@${r.weight}`;
  }
  return r;
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

/** A rollout refused for its settings is refused again on a retry: fail the step at once. */
function refusalIsPermanent(e: unknown): never {
  if (isMwError(e) && e.code === "INVALID_PARAMETER_VALUE") throw new PermanentStepError(e.message, { cause: e });
  throw e;
}

function missingAsUndefined(e: unknown): undefined {
  if (isMwError(e) && e.code === "RESOURCE_DOES_NOT_EXIST") return undefined;
  throw e;
}

async function championVersion(registry: RegistryStore, model: string): Promise<string | null> {
  return lookupVersion({ name: model, alias: "champion" }, registry).catch((e: unknown) => {
    // An unset alias is INVALID_PARAMETER_VALUE in the registry (as in MLflow).
    if (isMwError(e) && (e.code === "INVALID_PARAMETER_VALUE" || e.code === "RESOURCE_DOES_NOT_EXIST")) return null;
    throw e;
  });
}

/** The version a deployment's primary serves when it is the candidate's model; undefined otherwise. */
async function primaryVersion(registry: RegistryStore, primary: string, model: string): Promise<string | undefined> {
  const ref = parseModelRef(primary);
  if (ref.name !== model) return undefined;
  return lookupVersion(ref, registry).catch(() => undefined);
}

const DEPLOY_KEYS = [
  "deployment",
  "candidate",
  "steps",
  "interval",
  "threshold",
  "shadow_first",
  "checks",
  "notify",
  "wait",
  "poll_interval",
];

/**
 * Parse `{deployment, candidate, steps, interval, threshold, shadow_first, checks, notify, wait,
 * poll_interval}`; `checks` sets the canary analysis limits by their wire names (`max_score_psi`, ...).
 */
export function deploySettings(w: Record<string, unknown>): DeploySettings {
  knownSettings("deploy", w, DEPLOY_KEYS);
  const text = (field: string): string => {
    const v = w[field];
    if (typeof v !== "string" || v.trim() === "") throw invalidParam(`Missing value for deploy setting '${field}'.`);
    return v.trim();
  };
  const spec: DeploySettings["spec"] = {};
  if (w.steps !== undefined) spec.steps = steps(w.steps);
  if (w.interval !== undefined) spec.intervalMs = duration("interval", w.interval);
  if (w.threshold !== undefined) spec.threshold = numberSetting("threshold", w.threshold);
  if (w.shadow_first !== undefined) spec.shadowFirst = bool("shadow_first", w.shadow_first);
  if (w.checks !== undefined) spec.thresholds = checkLimits(w.checks);
  if (w.notify !== undefined) spec.notifyUrl = text("notify");
  return {
    deployment: text("deployment"),
    candidate: text("candidate"),
    spec,
    wait: w.wait === undefined ? false : bool("wait", w.wait),
    pollMs: w.poll_interval === undefined ? 1000 : duration("poll_interval", w.poll_interval),
  };
}

/** `checks: {max_score_psi: 0.5, min_requests: 50}`: rollout analysis limits; an unknown name is refused. */
function checkLimits(v: unknown): Partial<AnalysisThresholds> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    throw invalidParam("Invalid value for deploy setting 'checks': expected a map such as {max_score_psi: 0.5}.");
  }
  const byWire = new Map(
    Object.entries(THRESHOLD_WIRE_NAMES).map(([k, wire]) => [wire, k as keyof AnalysisThresholds]),
  );
  const out: Partial<AnalysisThresholds> = {};
  for (const [name, value] of Object.entries(v)) {
    const key = byWire.get(name);
    if (!key) {
      throw invalidParam(`Unknown deploy setting 'checks.${name}' (expected one of ${[...byWire.keys()].join(", ")}).`);
    }
    out[key] = numberSetting(`checks.${name}`, value);
  }
  return out;
}

function steps(v: unknown): number[] {
  const list = typeof v === "string" ? v.split(",").map((x) => x.trim()) : v;
  if (!Array.isArray(list))
    throw invalidParam("Invalid value for deploy setting 'steps': expected weights like [5, 25, 50, 100].");
  return list.map((x) => numberSetting("steps", x));
}

function numberSetting(field: string, v: unknown): number {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n)) {
    throw invalidParam(`Invalid value for deploy setting '${field}': expected a number, got ${JSON.stringify(v)}.`);
  }
  return n;
}

/** A duration such as `30s`; a bare number is seconds, as everywhere else in a pipeline file. */
function duration(field: string, v: unknown): number {
  if (typeof v === "number" && Number.isFinite(v) && v >= 0) return v * 1000;
  if (typeof v === "string") return parseDuration(field, v);
  throw invalidParam(`Invalid value for deploy setting '${field}': expected a duration such as 30s.`);
}

function bool(field: string, v: unknown): boolean {
  if (v === true || v === "true") return true;
  if (v === false || v === "false") return false;
  throw invalidParam(`Invalid value for deploy setting '${field}': expected true or false.`);
}
