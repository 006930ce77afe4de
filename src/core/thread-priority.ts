/**
 * Background threads give way to the thread that answers requests: on Linux the nice value is per
 * thread, and `setPriority(0, …)` from a worker sets the calling thread's only. Lowering it needs no
 * privilege. Elsewhere, or where the call is refused, the thread keeps the normal priority.
 */
import { constants, setPriority } from "node:os";

/** The nice value background threads (monitors, window aggregates, the log writer) run at. */
export const BACKGROUND_NICE = constants.priority.PRIORITY_BELOW_NORMAL;

/** Lower the calling thread's scheduling priority; false when the platform refuses. */
export function lowerThreadPriority(): boolean {
  try {
    setPriority(0, BACKGROUND_NICE);
    return true;
  } catch {
    return false;
  }
}
