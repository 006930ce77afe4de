/**
 * What a route needs from its caller, declared next to the route in its table. One authorization
 * layer reads these declarations; a route without one cannot be mounted.
 */

/** MLflow's permission levels, lowest first (NO_PERMISSIONS is the absence of all three). */
export type Level = "read" | "edit" | "manage";

/** The kinds of resource that carry grants: MLflow's two, extended to the platform's own. */
export const RESOURCE_TYPES = ["experiment", "registered_model", "dataset", "deployment", "pipeline"] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/**
 * Where a route finds the resource it acts on, by request field:
 * - `experiment_id`, `experiment_ids`: the experiment(s) named;
 * - `run`: the experiment of the run in `run_id` / `run_uuid`; `run_ids`: of every run listed;
 * - `name`: the resource named by the `name` field (path parameter or body);
 * - `artifact_path`: the experiment whose id is the first segment of the artifact path;
 * - `pipeline_run`: the pipeline of the pipeline run in `run_id`;
 * - `logged_model`: the experiment of the logged model in `model_id`;
 * - `logged_model_source`: that of the logged model named by `model_id` or a `models:/m-…` `source`, if any;
 * - `feature_datasets`: every dataset a feature retrieval reads (its sources', and `entities`).
 */
export type ResourceRef =
  | "experiment_id"
  | "experiment_ids"
  | "run"
  | "run_ids"
  | "name"
  | "artifact_path"
  | "pipeline_run"
  | "logged_model"
  | "logged_model_source"
  | "feature_datasets";

/** `level` on a second resource, when the request names one through `ref`. */
export interface AlsoNeeds {
  readonly type: ResourceType;
  readonly level: Level;
  readonly ref: ResourceRef;
}

/** A route's requirement. */
export type Access =
  /** Anyone, signed in or not (health, version, the UI's static files, signing in). */
  | { readonly kind: "public" }
  /**
   * Any signed-in user; `list` results are narrowed to what the caller may read; `creates` names
   * the kind of resource a successful call creates, which its creator then manages.
   */
  | { readonly kind: "user"; readonly list?: ResourceType; readonly creates?: ResourceType }
  /** Admins only. */
  | { readonly kind: "admin" }
  /** The user named by the request's `username` field, or an admin. */
  | { readonly kind: "self" }
  /**
   * `level` on one resource. With `orCreate`, a resource that does not exist yet may be created by
   * any signed-in user, who then manages it (MLflow's creator rule).
   */
  | {
      readonly kind: "resource";
      readonly type: ResourceType;
      readonly level: Level;
      readonly ref: ResourceRef;
      readonly orCreate?: boolean;
      /** A second resource the request may name, checked too when it does. */
      readonly also?: AlsoNeeds;
    }
  /** Predicting with a deployment: a token with read on it, or the deployment is public. */
  | { readonly kind: "predict" };

/** Route requirement builders, so tables read as `access.on("experiment", "edit", "run")`. */
export const access = {
  public: { kind: "public" } as Access,
  user: { kind: "user" } as Access,
  admin: { kind: "admin" } as Access,
  self: { kind: "self" } as Access,
  predict: { kind: "predict" } as Access,
  /** Any signed-in user, who manages the resource of `type` the call creates. */
  creates: (type: ResourceType): Access => ({ kind: "user", creates: type }),
  /** Any signed-in user; the answer lists only resources of `type` the caller may read. */
  list: (type: ResourceType): Access => ({ kind: "user", list: type }),
  /** `level` on the resource of `type` found through `ref`. */
  on: (type: ResourceType, level: Level, ref: ResourceRef, also?: AlsoNeeds): Access =>
    also ? { kind: "resource", type, level, ref, also } : { kind: "resource", type, level, ref },
  /** Create a resource named by `ref` (any signed-in user), or `edit` it when it exists. */
  create: (type: ResourceType, ref: ResourceRef): Access => ({
    kind: "resource",
    type,
    level: "edit",
    ref,
    orCreate: true,
  }),
} as const;
