/** The metadata store of rollouts (SQL today; one contract for every backend). */
import type { Rollout } from "./rollout.js";

export interface RolloutStore {
  /** Store a new rollout; RESOURCE_ALREADY_EXISTS when its deployment already has an active one. */
  create(rollout: Rollout): Promise<Rollout>;
  /** One rollout; RESOURCE_DOES_NOT_EXIST when missing. */
  get(id: string): Promise<Rollout>;
  /** A deployment's rollouts, newest first. */
  list(deployment: string, options?: { limit?: number }): Promise<Rollout[]>;
  /** Rollouts a controller still has work on: active, or final but not settled. */
  listOpen(): Promise<Rollout[]>;
  /**
   * Write a changed rollout (every mutable field) if it is still at `rollout.generation`; returns
   * it at the next generation. RESOURCE_CONFLICT when someone changed it meanwhile.
   */
  update(rollout: Rollout): Promise<Rollout>;
}
