/**
 * Users, tokens and grants. MLflow's basic-auth API (same paths and bodies, relative to
 * `/api/2.0` and `/ajax-api/2.0`) and the platform's own (relative to `/api/modelworks/v1`).
 */
import { s } from "../schema.js";
import { access } from "./access.js";
import { route } from "./route.js";

type Empty = Record<string, never>;

/** A user as MLflow's auth API answers. */
export interface UserInfo {
  id: number;
  username: string;
  is_admin: boolean;
  experiment_permissions: { experiment_id: string; user_id: number; permission: string }[];
  registered_model_permissions: { name: string; user_id: number; permission: string }[];
}

/** An API token's public record (its secret is shown only when created). */
export interface TokenInfo {
  id: string;
  name: string;
  username: string;
  created_time: number;
  expires_time?: number;
  revoked_time?: number;
}

/** A grant on a platform resource; `username` `*` is everyone (public). */
export interface GrantInfo {
  resource_type: string;
  resource_id: string;
  username: string;
  permission: string;
}

const username = s.string().required();
const experimentGrant = { experiment_id: s.string().required(), username };
const modelGrant = { name: s.string().required(), username };
type ExperimentPermission = { experiment_permission: { experiment_id: string; user_id: number; permission: string } };
type ModelPermission = { registered_model_permission: { name: string; user_id: number; permission: string } };

export const mlflowAuthRoutes = {
  createUser: route<{ user: UserInfo }>()(
    "POST",
    "/mlflow/users/create",
    s.object({ username, password: s.string().required() }),
    access.admin,
  ),
  getUser: route<{ user: UserInfo }>()("GET", "/mlflow/users/get", s.object({ username }), access.self),
  updateUserPassword: route<Empty>()(
    "PATCH",
    "/mlflow/users/update-password",
    s.object({ username, password: s.string().required() }),
    access.self,
  ),
  updateUserAdmin: route<Empty>()(
    "PATCH",
    "/mlflow/users/update-admin",
    s.object({ username, is_admin: s.bool().required() }),
    access.admin,
  ),
  deleteUser: route<Empty>()("DELETE", "/mlflow/users/delete", s.object({ username }), access.admin),
  createExperimentPermission: route<ExperimentPermission>()(
    "POST",
    "/mlflow/experiments/permissions/create",
    s.object({ ...experimentGrant, permission: s.string().required() }),
    access.on("experiment", "manage", "experiment_id"),
  ),
  getExperimentPermission: route<ExperimentPermission>()(
    "GET",
    "/mlflow/experiments/permissions/get",
    s.object(experimentGrant),
    access.on("experiment", "manage", "experiment_id"),
  ),
  updateExperimentPermission: route<Empty>()(
    "PATCH",
    "/mlflow/experiments/permissions/update",
    s.object({ ...experimentGrant, permission: s.string().required() }),
    access.on("experiment", "manage", "experiment_id"),
  ),
  deleteExperimentPermission: route<Empty>()(
    "DELETE",
    "/mlflow/experiments/permissions/delete",
    s.object(experimentGrant),
    access.on("experiment", "manage", "experiment_id"),
  ),
  createRegisteredModelPermission: route<ModelPermission>()(
    "POST",
    "/mlflow/registered-models/permissions/create",
    s.object({ ...modelGrant, permission: s.string().required() }),
    access.on("registered_model", "manage", "name"),
  ),
  getRegisteredModelPermission: route<ModelPermission>()(
    "GET",
    "/mlflow/registered-models/permissions/get",
    s.object(modelGrant),
    access.on("registered_model", "manage", "name"),
  ),
  updateRegisteredModelPermission: route<Empty>()(
    "PATCH",
    "/mlflow/registered-models/permissions/update",
    s.object({ ...modelGrant, permission: s.string().required() }),
    access.on("registered_model", "manage", "name"),
  ),
  deleteRegisteredModelPermission: route<Empty>()(
    "DELETE",
    "/mlflow/registered-models/permissions/delete",
    s.object(modelGrant),
    access.on("registered_model", "manage", "name"),
  ),
} as const;

const grantFields = { name: s.string().required(), username, permission: s.string().required() };

/** One audit record on the wire. */
export interface AuditInfo {
  id: string;
  time: number;
  actor: string;
  action: string;
  target_type: string;
  target: string;
  status: number;
  address?: string;
  request?: unknown;
  before?: unknown;
  after?: unknown;
}

export const platformAuthRoutes = {
  /** The audit log, newest first (admins only); `limit` 1–10000 (default 100). */
  listAudit: route<{ records: AuditInfo[] }>()(
    "GET",
    "/audit",
    s.object({
      limit: s.int64(),
      since_time: s.int64(),
      actor: s.string(),
      target_type: s.string(),
      target: s.string(),
    }),
    access.admin,
  ),
  /** Every user (admins only). */
  listUsers: route<{ users: UserInfo[] }>()("GET", "/users", s.object({}), access.admin),
  /** The caller's tokens; an admin sees everyone's with `all=true`. */
  listTokens: route<{ tokens: TokenInfo[] }>()("GET", "/tokens", s.object({ all: s.bool() }), access.user),
  /** A new token for the caller; `expires_in` like `30d`, `12h` (none: no expiry). The secret is in this answer only. */
  createToken: route<{ token: string; token_info: TokenInfo }>()(
    "POST",
    "/tokens",
    s.object({ name: s.string(), expires_in: s.string() }),
    access.user,
  ),
  /** Revoke a token (its owner or an admin). */
  revokeToken: route<Empty>()("DELETE", "/tokens/:id", s.object({ id: s.string().required() }), access.user),
  listDatasetPermissions: route<{ permissions: GrantInfo[] }>()(
    "GET",
    "/datasets/:name/permissions",
    s.object({ name: s.string().required() }),
    access.on("dataset", "manage", "name"),
  ),
  setDatasetPermission: route<{ permission: GrantInfo }>()(
    "PUT",
    "/datasets/:name/permissions",
    s.object(grantFields),
    access.on("dataset", "manage", "name"),
  ),
  deleteDatasetPermission: route<Empty>()(
    "DELETE",
    "/datasets/:name/permissions/:username",
    s.object({ name: s.string().required(), username }),
    access.on("dataset", "manage", "name"),
  ),
  listDeploymentPermissions: route<{ permissions: GrantInfo[] }>()(
    "GET",
    "/deployments/:name/permissions",
    s.object({ name: s.string().required() }),
    access.on("deployment", "manage", "name"),
  ),
  /** `username: "*"` with READ makes the deployment public: anyone may predict with it. */
  setDeploymentPermission: route<{ permission: GrantInfo }>()(
    "PUT",
    "/deployments/:name/permissions",
    s.object(grantFields),
    access.on("deployment", "manage", "name"),
  ),
  deleteDeploymentPermission: route<Empty>()(
    "DELETE",
    "/deployments/:name/permissions/:username",
    s.object({ name: s.string().required(), username }),
    access.on("deployment", "manage", "name"),
  ),
  listPipelinePermissions: route<{ permissions: GrantInfo[] }>()(
    "GET",
    "/pipelines/:name/permissions",
    s.object({ name: s.string().required() }),
    access.on("pipeline", "manage", "name"),
  ),
  setPipelinePermission: route<{ permission: GrantInfo }>()(
    "PUT",
    "/pipelines/:name/permissions",
    s.object(grantFields),
    access.on("pipeline", "manage", "name"),
  ),
  deletePipelinePermission: route<Empty>()(
    "DELETE",
    "/pipelines/:name/permissions/:username",
    s.object({ name: s.string().required(), username }),
    access.on("pipeline", "manage", "name"),
  ),
} as const;
