/**
 * What a stopped process left running: the process groups recorded on a run's steps. On this
 * machine they are stopped (SIGTERM, then SIGKILL); a record from an earlier boot is void; one from
 * another machine cannot be checked from here.
 */
import { MwError } from "../core/errors.js";
import {
  groupAlive,
  isEarlierBoot,
  KILL_GRACE_MS,
  processAlive,
  processStart,
  stopGroup,
  thisHost,
} from "./process-groups.js";
import type { RunStore, StepProcess, StepRun } from "./run-store.js";

/** Where a step's recorded command stands. */
export type OrphanState = "gone" | "stopped" | "survived" | "elsewhere";

/**
 * Stop every command group recorded on `runId`'s steps and clear the records of those gone. Returns
 * the steps whose command may still run (it survived SIGKILL, or runs on another machine).
 */
export async function stopOrphanedSteps(
  store: RunStore,
  runId: string,
): Promise<{ step: StepRun; state: "survived" | "elsewhere" }[]> {
  const left: { step: StepRun; state: "survived" | "elsewhere" }[] = [];
  for (const step of await store.steps(runId)) {
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

/** As {@link stopOrphanedSteps}, refusing (INVALID_STATE) when a step's command may still run. */
export async function requireNoOrphans(store: RunStore, runId: string): Promise<void> {
  const [first] = await stopOrphanedSteps(store, runId);
  if (!first) return;
  const { step, state } = first;
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
