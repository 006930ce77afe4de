/**
 * The `register` step: register a training run's model (its `model/` artifact folder, as
 * `train --register` does) as a new version of a registered model, optionally pointing an alias at it.
 */
import { isMwError } from "../../core/errors.js";
import type { RegistryStore } from "../../registry/registry-store.js";
import type { TrackingStore } from "../../tracking/tracking-store.js";
import type { StepExecutor } from "../step-executor.js";
import { knownSettings, optionalString, requiredString } from "./settings.js";

export interface RegisterDeps {
  tracking: Pick<TrackingStore, "getRun">;
  registry: Pick<RegistryStore, "createRegisteredModel" | "createModelVersion" | "setAlias">;
}

/** `with: {run_id, model, alias?}` → `{model, version}`. */
export function registerExecutor(deps: RegisterDeps): StepExecutor {
  return {
    run: async (ctx) => {
      const s = ctx.settings;
      const step = ctx.step.name;
      knownSettings(s, ["run_id", "model", "alias"], step);
      const runId = requiredString(s, "run_id", step);
      const model = requiredString(s, "model", step);
      const alias = optionalString(s, "alias", step);
      const run = await deps.tracking.getRun(runId);
      await deps.registry.createRegisteredModel({ name: model }).catch((e: unknown) => {
        if (!isMwError(e) || e.code !== "RESOURCE_ALREADY_EXISTS") throw e;
      });
      const source = `${run.info.artifact_uri}/model`;
      const v = await deps.registry.createModelVersion({ name: model, source, runId });
      ctx.log(`registered ${source} as ${model}/${v.version}`);
      if (alias) {
        await deps.registry.setAlias({ name: model, alias, version: v.version });
        ctx.log(`set ${model}@${alias} → version ${v.version}`);
      }
      return { model, version: v.version };
    },
  };
}
