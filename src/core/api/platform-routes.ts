/**
 * The Modelworks platform API (everything beyond MLflow) as one route table. Paths are relative to
 * `/api/modelworks/v1`; `:name`-style segments are filled from the request's fields.
 */
import type { Key, Path, Source } from "../schema.js";
import { Field, s } from "../schema.js";
import { access } from "./access.js";
import { featureRoutes } from "./feature-routes.js";
import { metricHistoryRoutes, pipelineRunRoutes, trafficRoutes } from "./insight-routes.js";
import { monitorRoutes } from "./monitor-routes.js";
import type { RolloutInfo } from "./rollout-routes.js";
import { rolloutRoutes } from "./rollout-routes.js";
import { route } from "./route.js";
import type { StreamedFile } from "./streamed-file.js";

export type {
  AlertInfo,
  AlertRuleInfo,
  FeatureDriftInfo,
  MonitorConfigInfo,
  MonitorResultInfo,
  MonitorStatusInfo,
  NotifierInfo,
} from "./monitor-routes.js";
export type { CheckResultInfo, RolloutInfo } from "./rollout-routes.js";
export { monitorRoutes, rolloutRoutes };

/** A dataset version on the wire. `schema` and `profile` are present on single-version reads. */
export interface DatasetVersionInfo {
  name: string;
  version: number;
  digest: string;
  format: string;
  size_bytes: number;
  rows: number;
  columns: number;
  /** The original path (or upload description) the bytes came from. */
  source: string;
  /** `modelworks-dataset:/NAME/VERSION`. */
  uri: string;
  git_commit?: string;
  created_time: number;
  schema?: unknown;
  profile?: unknown;
}

/** A dataset with its latest version. */
export interface DatasetListing {
  name: string;
  version_count: number;
  latest: DatasetVersionInfo;
}

/** One value that changed between two versions. */
export interface Change<T> {
  a: T;
  b: T;
}

/** Schema and statistics differences between two dataset versions. */
export interface DatasetDiff {
  a: { name: string; version: number; digest: string };
  b: { name: string; version: number; digest: string };
  identical: boolean;
  schema: {
    added_columns: { column: string; type: string }[];
    removed_columns: { column: string; type: string }[];
    type_changes: ({ column: string } & Change<string>)[];
    range_changes: ({ column: string } & Change<{ min: number | null; max: number | null }>)[];
    domain_changes: { column: string; added: string[]; removed: string[] }[];
  };
  statistics: {
    rows: Change<number> & { change: number };
    columns: ColumnStatsDiff[];
  };
}

/** Per-column statistics shifts (only columns present in both versions). */
export interface ColumnStatsDiff {
  column: string;
  null_rate: Change<number>;
  mean?: Change<number | null> & { shift_in_std: number | null };
  std?: Change<number | null>;
  /** Category frequencies (share of rows) that moved, largest change first. */
  categories?: ({ value: string; change: number } & Change<number>)[];
}

/** A validation report, as `modelworks data validate --json` prints it (DESIGN.md contract). */
export interface ValidationReportWire {
  success: boolean;
  statistics: { evaluated: number; failed: number };
  results: {
    column: string | null;
    check: string;
    severity: string;
    success: boolean;
    expected?: unknown;
    observed?: unknown;
    unexpected_count?: number;
    unexpected_percent?: number;
    sample?: unknown[];
    rows?: number[];
  }[];
}

/** A deployment on the wire. */
export interface DeploymentInfo {
  name: string;
  /** `NAME@ALIAS` or `NAME/VERSION`. */
  primary: string;
  /** The version served as primary while its alias moves (pinned under `on_alias_change: rollout`). */
  primary_version?: string;
  /** An alias move is rolled out as a canary with `rollout` (the effective settings), or swapped in. */
  on_alias_change: "rollout" | "swap";
  rollout: RolloutInfo["spec"];
  candidate?: string;
  /** Percent of traffic (0-100) the candidate answers; 0 in shadow mode. */
  candidate_weight: number;
  shadow: boolean;
  routing_key?: { source: "column" | "header"; name: string };
  /** Requests are completed from this feature service; `missing` says what a missing or stale feature does. */
  features?: { service: string; missing: "fail" | "null" };
  /** Share (0-1) of requests written to the prediction log. */
  log_sampling: number;
  /** How long logged rows and their feedback are kept (ms; default 30 days). */
  log_retention_ms: number;
  /** Closed days of the log are exported to the artifact store before retention removes them. */
  archive_log: boolean;
  status: "active" | "stopped";
  /** Incremented by every change; send it back as `expected_generation` to update only that state. */
  generation: number;
  description?: string;
  created_time: number;
  updated_time: number;
}

/** Something that happened to a deployment; `data` holds the evidence (e.g. each changed field's old and new value). */
export interface DeploymentEventInfo {
  id: string;
  deployment: string;
  time: number;
  type: string;
  message: string;
  data?: Record<string, unknown>;
}

/** What one serving process reports it serves for a deployment (`GET /deployments/:name`'s `serving`). */
export interface ServingInstanceInfo {
  instance: string;
  kind: "up" | "serve";
  host: string;
  pid: number;
  url?: string;
  served: { variant: "primary" | "candidate"; model: string; version: string }[];
  candidate_weight: number;
  shadow: boolean;
  /** The deployment generation its models and routing come from (0: nothing loaded). */
  generation: number;
  /** `current` (serves the stored generation), `behind` (an older one), `failing` or `stale` (no report lately). */
  state: "current" | "behind" | "failing" | "stale";
  last_error?: string;
  started_time: number;
  seen_time: number;
}

/** A field where JSON `null` is kept (it means "remove"), instead of being read as absent. */
class NullableField<T> extends Field<T | null> {
  constructor(private readonly inner: Field<T, boolean>) {
    super();
  }
  override parse(v: unknown, parent: Path, key: Key, src: Source): T | null | undefined {
    return v === null && src === "json" ? null : this.inner.parse(v, parent, key, src);
  }
  parseValue(v: unknown, parent: Path, key: Key, src: Source): T {
    return this.inner.parseValue(v, parent, key, src);
  }
}

function nullable<T>(inner: Field<T, boolean>): Field<T | null> {
  return new NullableField(inner);
}

const name = s.string().required();
const version = s.string().required();
const deploymentStatus = s.enum(["active", "stopped"] as const);
/** The settings of a deployment, as create and update take them; `routing_key` is `COL` or `header:NAME`. */
const deploymentSettings = {
  candidate: s.string(),
  candidate_weight: s.double(),
  shadow: s.bool(),
  routing_key: s.any(),
  log_sampling: s.double(),
  log_retention_ms: s.int64(),
  archive_log: s.bool(),
  description: s.string(),
  on_alias_change: s.enum(["rollout", "swap"] as const),
  /** `{service, missing: fail|null}`: complete requests from a feature service (`null` on update removes it). */
  features: s.any(),
  /** As `startRollout` takes them (no candidate); merged into the stored ones, `null` resets them. */
  rollout: s.any(),
};

/** Dataset versions, validation and lineage. */
export const datasetRoutes = {
  /** Add a version: JSON `{name, path}` for a server-local file, or the raw bytes with `?name=`. */
  createDataset: route<{ dataset_version: DatasetVersionInfo; created: boolean }>()(
    "POST",
    "/datasets",
    s.object({
      name,
      path: s.string(),
      label: s.string(),
      format: s.string(),
      source: s.string(),
      /** Column type overrides, `COL=TYPE,COL=TYPE`. */
      types: s.string(),
    }),
    access.create("dataset", "name"),
  ),
  listDatasets: route<{ datasets: DatasetListing[] }>()("GET", "/datasets", s.object({}), access.list("dataset")),
  getDataset: route<{ name: string; versions: DatasetVersionInfo[] }>()(
    "GET",
    "/datasets/:name",
    s.object({ name }),
    access.on("dataset", "read", "name"),
  ),
  getDatasetVersion: route<{ dataset_version: DatasetVersionInfo }>()(
    "GET",
    "/datasets/:name/versions/:version",
    s.object({ name, version }),
    access.on("dataset", "read", "name"),
  ),
  /** `a` and `b` are versions of `name` (or `OTHER@VERSION`); `latest` is allowed. */
  diffDatasets: route<DatasetDiff>()(
    "GET",
    "/datasets/:name/diff",
    s.object({ name, a: s.string().required(), b: s.string().required() }),
    access.on("dataset", "read", "name"),
  ),
  /**
   * Validate data against a version's schema: the raw body (CSV), a stored version of the same
   * dataset (`stored_version`, read from the platform's object store), or JSON `{path}` for a file
   * under a `--data-root` folder of the server.
   */
  validateDataset: route<ValidationReportWire>()(
    "POST",
    "/datasets/:name/versions/:version/validate",
    s.object({ name, version, path: s.string(), stored_version: s.string() }),
    access.on("dataset", "read", "name"),
  ),
  /** A version's schema as JSON (`format=json`, the default) or YAML text. */
  getDatasetSchema: route<{ schema: unknown; text: string }>()(
    "GET",
    "/datasets/:name/versions/:version/schema",
    s.object({ name, version, format: s.enum(["json", "yaml"] as const) }),
    access.on("dataset", "read", "name"),
  ),
  /** Replace a version's schema with an edited one (JSON or YAML text); checked before it is stored. */
  setDatasetSchema: route<{ schema: unknown }>()(
    "PUT",
    "/datasets/:name/versions/:version/schema",
    s.object({ name, version, schema: s.string().required() }),
    access.on("dataset", "edit", "name"),
  ),
  /** Record a version as an input of a tracking run (MLflow `runs/log-inputs`), for lineage. */
  logDatasetInput: route<Record<string, never>>()(
    "POST",
    "/datasets/:name/versions/:version/log-input",
    s.object({ name, version, run_id: s.string().required(), context: s.string() }),
    access.on("dataset", "read", "name"),
  ),
};

/** Deployments: what a serving process answers with, and their event trail. */
export const deploymentRoutes = {
  listDeployments: route<{ deployments: DeploymentInfo[] }>()(
    "GET",
    "/deployments",
    s.object({ status: deploymentStatus }),
    access.list("deployment"),
  ),
  createDeployment: route<{ deployment: DeploymentInfo }>()(
    "POST",
    "/deployments",
    s.object({ name, primary: s.string().required(), ...deploymentSettings }),
    access.create("deployment", "name"),
  ),
  /** A deployment with its 20 latest events. */
  getDeployment: route<{ deployment: DeploymentInfo; events: DeploymentEventInfo[]; serving: ServingInstanceInfo[] }>()(
    "GET",
    "/deployments/:name",
    s.object({ name }),
    access.on("deployment", "read", "name"),
  ),
  /** Change the fields given; `null` removes candidate, routing_key or description. */
  updateDeployment: route<{ deployment: DeploymentInfo }>()(
    "PATCH",
    "/deployments/:name",
    s.object({
      name,
      primary: s.string(),
      ...deploymentSettings,
      candidate: nullable(s.string()),
      routing_key: nullable(s.any()),
      description: nullable(s.string()),
      rollout: nullable(s.any()),
      features: nullable(s.any()),
      status: deploymentStatus,
      /** Apply only if the deployment is still at this generation (else 409 RESOURCE_CONFLICT). */
      expected_generation: s.int64(),
    }),
    access.on("deployment", "edit", "name"),
  ),
  deleteDeployment: route<Record<string, never>>()(
    "DELETE",
    "/deployments/:name",
    s.object({ name }),
    access.on("deployment", "manage", "name"),
  ),
  /** A deployment's events, newest first. */
  listDeploymentEvents: route<{ events: DeploymentEventInfo[] }>()(
    "GET",
    "/deployments/:name/events",
    s.object({ name, limit: s.int64(), since_time: s.int64() }),
    access.on("deployment", "read", "name"),
  ),
};

/** A deployment's prediction log beyond the serving path. */
export const logRoutes = {
  /**
   * The deployment's prediction log in [from_time, to_time) as a file (Parquet by default, or
   * CSV): the model inputs as columns, then timestamp, request_id, row, variant, model, version,
   * routing_key, score, label and outcome. Streamed as it is read.
   */
  exportDeploymentLog: route<StreamedFile>()(
    "GET",
    "/deployments/:name/log/export",
    s.object({
      name,
      from_time: s.int64(),
      to_time: s.int64(),
      format: s.enum(["parquet", "csv"] as const),
      variant: s.enum(["primary", "candidate", "shadow"] as const),
    }),
    access.on("deployment", "read", "name"),
  ),
};

export const platformRoutes = {
  ...datasetRoutes,
  ...deploymentRoutes,
  ...logRoutes,
  ...rolloutRoutes,
  ...monitorRoutes,
  ...metricHistoryRoutes,
  ...pipelineRunRoutes,
  ...trafficRoutes,
  ...featureRoutes,
};

export type PlatformRoutes = typeof platformRoutes;
export type DatasetRouteName = keyof typeof datasetRoutes;
export type DeploymentRouteName = keyof typeof deploymentRoutes;
export type LogRouteName = keyof typeof logRoutes;
export type RolloutRouteName = keyof typeof rolloutRoutes;
export type MonitorRouteName = keyof typeof monitorRoutes;
export type PlatformRouteName = keyof PlatformRoutes;

/** The path of a route with its `:param` segments filled in (URL-encoded). */
export function fillPath(path: string, fields: Record<string, unknown>): { path: string; used: Set<string> } {
  const used = new Set<string>();
  const filled = path.replace(/:([A-Za-z_]+)/g, (_m, key: string) => {
    used.add(key);
    return encodeURIComponent(String(fields[key] ?? ""));
  });
  return { path: filled, used };
}
