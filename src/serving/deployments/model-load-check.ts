/**
 * The check that a model a deployment or rollout is about to serve can be loaded at all: load it
 * once with the same loader serving uses, then release it, so a model no runtime here can load
 * is refused with the reason when it is named instead of failing later in every serving process.
 */
import { invalidParam, isMwError } from "../../core/errors.js";
import type { ModelKind } from "../../runtimes/runtime.js";
import type { ResolverDeps } from "../model-resolver.js";
import { resolveModel } from "../model-resolver.js";

/**
 * Loads the version `ref` (`NAME@ALIAS` or `NAME/VERSION`) names now and releases it; resolves to
 * the model's kind, rejects when it cannot load.
 */
export type ModelLoadCheck = (ref: string) => Promise<ModelKind>;

/** The check over the serving loader (the registry, the artifact store and the process's runtimes). */
export function modelLoadCheck(deps: ResolverDeps): ModelLoadCheck {
  return async (ref) => {
    const model = await resolveModel(ref, deps);
    await model.close?.();
    return model.predictor.kind;
  };
}

/**
 * Run `check` on the reference given for `field`; a model that cannot load is INVALID_PARAMETER_VALUE
 * naming the field, the model and why. Faults of the platform itself (5xx) pass through unchanged.
 */
export async function checkLoadable(check: ModelLoadCheck, field: string, ref: string): Promise<ModelKind> {
  try {
    return await check(ref);
  } catch (e) {
    if (isMwError(e) && e.status >= 500) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw invalidParam(`Invalid value for '${field}': ${ref} cannot be loaded: ${why}`);
  }
}
