/**
 * What a stopped process left running: the process groups and containers recorded on a run's steps.
 * On this machine process groups are stopped (SIGTERM, then SIGKILL); a record from an earlier boot
 * is void; one from another machine cannot be checked from here. A container step's Kubernetes Job
 * or docker/podman container is deleted wherever it runs; when the cluster or engine cannot be
 * reached its record stays, and the next takeover tries again.
 */

import { MwError } from "../core/errors.js";
import type { ContainerRemover } from "./containers/container-job.js";
import {
  groupAlive,
  isEarlierBoot,
  KILL_GRACE_MS,
  processAlive,
  processStart,
  stopGroup,
  thisHost,
} from "./process-groups.js";
import type { RunStore, StepContainer, StepProcess, StepRun } from "./run-store.js";

/** Where a step's recorded command stands. */
export type OrphanState = "gone" | "stopped" | "survived" | "elsewhere";

/** What may still run after a cleanup: a command group (survived, elsewhere) or a container not deleted. */
export type LeftState = "survived" | "elsewhere" | "unreachable";

/** How containers left by a stopped process are deleted, and where a failure to is reported. */
export interface LeftContainers {
  remove: ContainerRemover;
  warn?: (message: string) => void;
}

/**
 * Stop every command group recorded on `runId`'s steps and clear the records of those gone. Returns
 * the steps whose command may still run (it survived SIGKILL, or runs on another machine).
 */
export async function stopOrphanedSteps(
  store: RunStore,
  runId: string,
  containers?: LeftContainers,
): Promise<{ step: StepRun; state: LeftState }[]> {
  const left: { step: StepRun; state: LeftState }[] = [];
  for (const step of await store.steps(runId)) {
    // Without a way to delete containers (e.g. a server's cancel route) their records wait for one that has it.
    if (step.container && containers && !(await removeLeft(store, runId, step, step.container, containers))) {
      left.push({ step, state: "unreachable" });
    }
    if (!step.process) continue;
    const state = await stopRecorded(step.process);
    if (state === "survived" || state === "elsewhere") {
      left.push({ step, state });
      continue;
    }
    await store.updateStep(runId, step.step, { process: undefined });
    if (state === "stopped") {
      await store.appendLog(
        runId,
        step.step,
        `stopped process group ${step.process.pgid}, left running by a stopped process\n`,
      );
    }
  }
  return left;
}

/** Delete one step's left container; false (reported, record kept) when that failed. */
async function removeLeft(
  store: RunStore,
  runId: string,
  step: StepRun,
  started: StepContainer,
  containers: LeftContainers,
): Promise<boolean> {
  const what = describeContainer(started);
  try {
    await containers.remove(started);
  } catch (e) {
    const why = `could not delete ${what}, left running by a stopped process: ${(e as Error).message}; the next takeover tries again`;
    await store.appendLog(runId, step.step, `warning: ${why}\n`);
    containers.warn?.(`warning: pipeline run ${runId} step ${step.step}: ${why}`);
    return false;
  }
  await store.updateStep(runId, step.step, { container: undefined });
  await store.appendLog(runId, step.step, `deleted ${what}, left running by a stopped process\n`);
  return true;
}

/**
 * Record on a step the Job or container it started, or (`gone`) clear the record if it still names
 * that one: an attempt that timed out may end after the next attempt recorded its own.
 */
export async function recordContainer(
  store: RunStore,
  runId: string,
  step: string,
  started: StepContainer,
  gone = false,
): Promise<void> {
  if (!gone) return store.updateStep(runId, step, { container: started });
  const current = (await store.steps(runId)).find((s) => s.step === step)?.container;
  if (current?.name === started.name) await store.updateStep(runId, step, { container: undefined });
}

/** `job NS/NAME` or `docker container NAME`. */
export function describeContainer(c: StepContainer): string {
  return c.backend === "kubernetes" ? `job ${c.namespace}/${c.name}` : `${c.cli} container ${c.name}`;
}

/** As {@link stopOrphanedSteps}, refusing (INVALID_STATE) when a step's command may still run. */
export async function requireNoOrphans(store: RunStore, runId: string, containers?: LeftContainers): Promise<void> {
  const [first] = await stopOrphanedSteps(store, runId, containers);
  if (!first) return;
  const { step, state } = first;
  if (state === "unreachable") {
    throw new MwError(
      "INVALID_STATE",
      `Pipeline run '${runId}': step '${step.step}' left ${describeContainer(step.container as StepContainer)} running and it could not be deleted; delete it, then resume.`,
    );
  }
  const p = step.process as StepProcess;
  throw new MwError(
    "INVALID_STATE",
    state === "survived"
      ? `Pipeline run '${runId}': step '${step.step}' left process group ${p.pgid} running and it could not be stopped; stop it, then resume.`
      : `Pipeline run '${runId}': step '${step.step}' ran on ${p.host} (process group ${p.pgid}) and may still run there; resume it on that machine.`,
  );
}

/** Stop one recorded group if it is still ours and alive. */
export async function stopRecorded(p: StepProcess): Promise<OrphanState> {
  if (p.host !== thisHost()) return isEarlierBoot(p.host) ? "gone" : "elsewhere";
  // A live leader that started at another time is a new process that reused the id: ours is gone
  // (a group's id is not reused while any member of it lives).
  if (processAlive(p.pid) && p.start !== undefined && processStart(p.pid) !== p.start) return "gone";
  if (!groupAlive(p.pgid)) return "gone";
  return (await stopGroup(p.pgid, KILL_GRACE_MS)) ? "stopped" : "survived";
}
