/** The step executors by type: the built-in ones this module implements, plus any the caller adds. */
import type { DatasetVersions } from "../data/versions/dataset-versions.js";
import type { StepType } from "./pipeline-spec.js";
import type { StepExecutor } from "./step-executor.js";
import { commandExecutor } from "./steps/command-step.js";
import { ingestExecutor } from "./steps/ingest-step.js";
import type { Trainer } from "./steps/train-step.js";
import { trainExecutor } from "./steps/train-step.js";
import type { ValidateDeps } from "./steps/validate-step.js";
import { validateExecutor } from "./steps/validate-step.js";

/** What the built-in executors need; a type whose dependency is missing is left out. */
export interface ExecutorDeps {
  /**
   * The platform process's environment: `command` steps get a few of its variables and the secrets
   * they declare (without it there is no `command` executor).
   */
  env?: NodeJS.ProcessEnv;
  datasets?: ValidateDeps & { versions: Pick<DatasetVersions, "addFile"> };
  train?: Trainer;
}

/** `command`, `ingest`, `validate`, `train` (as their deps allow), then `extra` (which wins, e.g. `gate`, `deploy`). */
export function stepExecutors(
  deps: ExecutorDeps = {},
  extra: Iterable<readonly [StepType, StepExecutor]> = [],
): Map<StepType, StepExecutor> {
  const map = new Map<StepType, StepExecutor>();
  if (deps.env) map.set("command", commandExecutor({ env: deps.env }));
  if (deps.datasets) {
    map.set("ingest", ingestExecutor(deps.datasets));
    map.set("validate", validateExecutor(deps.datasets));
  }
  if (deps.train) map.set("train", trainExecutor({ train: deps.train }));
  for (const [type, executor] of extra) map.set(type, executor);
  return map;
}
