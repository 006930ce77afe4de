/** The job leases of one `up` or `serve` process, over the platform's shared lease store. */
import { systemClock } from "../../core/clock.js";
import { LeaseKeeper } from "../../core/leases/lease-keeper.js";
import type { Platform } from "../../server/open-platform.js";
import type { CliIo } from "../cli-context.js";
import { processWarnings } from "./process-warnings.js";

/** Default lease period: a dead replica's jobs move to another within it. */
export const DEFAULT_LEASE_MS = 5000;

/** The roles of an `up` process. */
export type ReplicaRole = "all" | "control" | "serving";

/** True for roles that run background jobs (rollouts, monitors, triggers). */
export function runsJobs(role: ReplicaRole): boolean {
  return role !== "serving";
}

/** True for roles that answer inference requests. */
export function servesInference(role: ReplicaRole): boolean {
  return role !== "control";
}

/** A started keeper of this process's leases (renewed in the background until `stop()`). */
export function replicaLeases(platform: Pick<Platform, "leases">, periodMs: number, io: CliIo): LeaseKeeper {
  const keeper = new LeaseKeeper({ store: platform.leases, clock: systemClock, periodMs, warn: processWarnings(io) });
  keeper.start();
  return keeper;
}
