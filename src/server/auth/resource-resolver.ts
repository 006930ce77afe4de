/** Finds the resources a request acts on (by the route's declared reference) and whether they exist. */

import { TtlCache } from "../../auth/ttl-cache.js";
import type { ResourceRef, ResourceType } from "../../core/api/access.js";
import { invalidParam, isMwError } from "../../core/errors.js";
import type { DatasetStore } from "../../data/versions/dataset-store.js";
import type { RunStore } from "../../pipelines/run-store.js";
import { loggedModelIdOfSource } from "../../registry/model-source.js";
import type { DeploymentService } from "../../serving/deployments/deployment-service.js";
import type { TrackingStore } from "../../tracking/tracking-store.js";

export type Fields = Record<string, unknown>;

export interface ResolverDeps {
  tracking: TrackingStore;
  datasets?: DatasetStore | undefined;
  deployments?: DeploymentService | undefined;
  pipelineRuns?: RunStore | undefined;
  /** The datasets a feature retrieval reads (sources of the features asked for, and the entity dataset). */
  featureDatasets?: ((fields: Fields) => Promise<string[]>) | undefined;
}

/** Resource ids and existence checks for the authorization layer. */
export class ResourceResolver {
  // A run never changes experiment, so its experiment is remembered (bounded); a logged model neither.
  private readonly runExperiments = new TtlCache<string, string>(10 * 60_000, 100_000);
  private readonly modelExperiments = new TtlCache<string, string>(10 * 60_000, 100_000);

  constructor(private readonly deps: ResolverDeps) {}

  /** The ids of the resources `ref` names in a request's fields. */
  async ids(ref: ResourceRef, fields: Fields): Promise<string[]> {
    switch (ref) {
      case "experiment_id":
        return [requiredText(fields, "experiment_id")];
      case "experiment_ids":
        return texts(fields.experiment_ids);
      case "run":
        return [await this.experimentOfRun(runIdOf(fields))];
      case "run_ids":
        return unique(await Promise.all(texts(fields.run_ids).map((r) => this.experimentOfRun(r))));
      case "name":
        return [requiredText(fields, "name")];
      case "artifact_path":
        return [experimentOfArtifactPath(fields)];
      case "logged_model":
        return [await this.experimentOfLoggedModel(requiredText(fields, "model_id"))];
      case "logged_model_source": {
        const id = loggedModelNamed(fields);
        return id === undefined ? [] : [await this.experimentOfLoggedModel(id)];
      }
      case "pipeline_run": {
        const runs = this.deps.pipelineRuns;
        if (!runs) return [];
        return [(await runs.get(requiredText(fields, "run_id"))).pipeline];
      }
      case "feature_datasets":
        return this.deps.featureDatasets ? unique(await this.deps.featureDatasets(fields)) : [];
    }
  }

  /** True when the resource exists (for routes that may create it). */
  async exists(type: ResourceType, id: string): Promise<boolean> {
    try {
      if (type === "dataset" && this.deps.datasets) await this.deps.datasets.getVersion(id);
      else if (type === "deployment" && this.deps.deployments) await this.deps.deployments.get(id);
      else return true;
      return true;
    } catch (e) {
      if (isMwError(e) && e.status === 404) return false;
      throw e;
    }
  }

  private async experimentOfRun(runId: string): Promise<string> {
    const cached = this.runExperiments.get(runId);
    if (cached !== undefined) return cached;
    const run = await this.deps.tracking.getRun(runId);
    this.runExperiments.set(runId, run.info.experiment_id);
    return run.info.experiment_id;
  }

  private async experimentOfLoggedModel(modelId: string): Promise<string> {
    const cached = this.modelExperiments.get(modelId);
    if (cached !== undefined) return cached;
    const model = await this.deps.tracking.getLoggedModel(modelId);
    this.modelExperiments.set(modelId, model.info.experiment_id);
    return model.info.experiment_id;
  }
}

/** The logged model a model version is made from: `model_id`, else a `models:/m-…` source. */
function loggedModelNamed(fields: Fields): string | undefined {
  const id = fields.model_id;
  if (typeof id === "string" && id !== "") return id;
  return typeof fields.source === "string" ? loggedModelIdOfSource(fields.source) : undefined;
}

function runIdOf(fields: Fields): string {
  const id = fields.run_id ?? fields.run_uuid;
  if (typeof id !== "string" || id === "") throw invalidParam("Missing value for required parameter 'run_id'.");
  return id;
}

function requiredText(fields: Fields, key: string): string {
  const v = fields[key];
  const one = Array.isArray(v) ? v[0] : v;
  if (typeof one === "number") return String(one);
  if (typeof one !== "string" || one === "") throw invalidParam(`Missing value for required parameter '${key}'.`);
  return one;
}

function texts(v: unknown): string[] {
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return unique(list.filter((x): x is string | number => typeof x === "string" || typeof x === "number").map(String));
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** Proxied artifact paths start with the experiment id (`<experiment>/<run>/artifacts/...`). */
function experimentOfArtifactPath(fields: Fields): string {
  const raw = fields["*"] ?? fields.path;
  const path = typeof raw === "string" ? raw : Array.isArray(raw) && typeof raw[0] === "string" ? raw[0] : "";
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    throw invalidParam(`Invalid artifact path '${path}'.`);
  }
  return decoded.replace(/^\/+/, "").split("/")[0] ?? "";
}
