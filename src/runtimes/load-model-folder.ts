/** Load any model folder with the most native runtime that accepts its flavors. */
import { join } from "node:path";
import { invalidParam } from "../core/errors.js";
import { readMlModel } from "./mlmodel.js";
import type { LoadedModel, ModelRuntime, RuntimeContext } from "./runtime.js";

/**
 * Try `runtimes` in order (most native first) and load with the first that accepts the folder's
 * `MLmodel`; INVALID_PARAMETER_VALUE naming the flavors when none does. `label` names the model in
 * that message (the folder may be a temporary copy).
 */
export async function loadModelFolder(
  dir: string,
  runtimes: readonly ModelRuntime[],
  context: RuntimeContext = {},
  label = `'${join(dir, "MLmodel")}'`,
): Promise<LoadedModel> {
  const mlmodel = await readMlModel(dir);
  const runtime = runtimes.find((r) => r.accepts(mlmodel));
  if (!runtime) {
    const flavors = Object.keys(mlmodel.flavors).join(", ") || "none";
    const known = runtimes.map((r) => r.name).join(", ");
    throw invalidParam(`${label} has flavors ${flavors}; none of them can be loaded by the runtimes here (${known}).`);
  }
  return runtime.load(dir, mlmodel, context);
}
