/** Where the progress of building window buckets from the stored log is kept, per deployment. */
import type { StoredPredictions } from "./window-store.js";

/** One deployment's backfill. */
export interface BackfillState {
  deployment: string;
  /** Rows logged before this time are the backfill's; the live path aggregated the later ones. */
  until: number;
  /** Rows before this time are built (the next batch starts here). */
  next: number;
  /** Rows built so far. */
  rows: number;
  /** When it finished, if it has. */
  doneTime?: number;
}

export interface BackfillStore {
  /**
   * The deployments with a prediction log and no backfill recorded get one: their rows before
   * `startedAt` are the backfill's, or before their oldest hour bucket when they have buckets
   * already (those rows were aggregated as they were logged). Returns every deployment's state.
   */
  begin(startedAt: number, now: number): Promise<BackfillState[]>;
  /** A deployment's state, if recorded. */
  state(deployment: string): Promise<BackfillState | undefined>;
  /**
   * Add a batch's bucket deltas and move the deployment's progress from `from` to `next` (done
   * when `done`), in one transaction; false, with nothing written, when another process moved it first.
   */
  commit(
    b: { deployment: string; from: number; next: number; rows: number; done: boolean },
    deltas: readonly StoredPredictions[],
    now: number,
  ): Promise<boolean>;
}
