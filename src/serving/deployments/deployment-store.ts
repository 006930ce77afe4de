/** The metadata store of deployments and their events (SQL today; one contract for every backend). */
import type { Deployment, DeploymentEvent, DeploymentPatch, DeploymentStatus, NewDeployment } from "./deployment.js";
import type { ServingReport } from "./serving-report.js";

export interface DeploymentStore {
  /** Store a new deployment (generation 1); RESOURCE_ALREADY_EXISTS when the name is taken. */
  create(input: NewDeployment): Promise<Deployment>;
  /** One deployment; RESOURCE_DOES_NOT_EXIST when missing. */
  get(name: string): Promise<Deployment>;
  /** Every deployment by name, optionally only those with a status. */
  list(filter?: { status?: DeploymentStatus }): Promise<Deployment[]>;
  /**
   * Apply a change and bump the generation. With `expectedGeneration`, a deployment changed
   * meanwhile fails with RESOURCE_CONFLICT (optimistic concurrency for controllers).
   */
  update(name: string, patch: DeploymentPatch, options?: { expectedGeneration?: number }): Promise<Deployment>;
  /** Remove a deployment and its events; RESOURCE_DOES_NOT_EXIST when missing. */
  delete(name: string): Promise<void>;
  /** Append an event (the store assigns the id). */
  addEvent(event: Omit<DeploymentEvent, "id">): Promise<DeploymentEvent>;
  /** A deployment's events, newest first. */
  listEvents(name: string, options?: { limit?: number; sinceTime?: number }): Promise<DeploymentEvent[]>;
  /** Record what a serving process serves (insert or refresh per instance and deployment). */
  reportServing(reports: readonly ServingReport[]): Promise<void>;
  /** Every process's latest report for a deployment, newest process first. */
  listServing(deployment: string): Promise<ServingReport[]>;
  /**
   * Remove an instance's reports (it stops; or only one deployment's, which it no longer serves), or
   * every report not refreshed since `seenBefore`.
   */
  forgetServing(which: { instance: string; deployment?: string } | { seenBefore: number }): Promise<void>;
}
