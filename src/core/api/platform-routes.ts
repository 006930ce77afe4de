/**
 * The Modelworks platform API (everything beyond MLflow) as one route table. Paths are relative to
 * `/api/modelworks/v1`; `:name`-style segments are filled from the request's fields.
 */
import { s } from "../schema.js";
import { route } from "./route.js";

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

const name = s.string().required();
const version = s.string().required();

export const platformRoutes = {
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
  ),
  listDatasets: route<{ datasets: DatasetListing[] }>()("GET", "/datasets", s.object({})),
  getDataset: route<{ name: string; versions: DatasetVersionInfo[] }>()("GET", "/datasets/:name", s.object({ name })),
  getDatasetVersion: route<{ dataset_version: DatasetVersionInfo }>()(
    "GET",
    "/datasets/:name/versions/:version",
    s.object({ name, version }),
  ),
  /** `a` and `b` are versions of `name` (or `OTHER@VERSION`); `latest` is allowed. */
  diffDatasets: route<DatasetDiff>()(
    "GET",
    "/datasets/:name/diff",
    s.object({ name, a: s.string().required(), b: s.string().required() }),
  ),
  /** Validate a CSV (the raw body, or JSON `{path}` for a server-local file) against a version's schema. */
  validateDataset: route<ValidationReportWire>()(
    "POST",
    "/datasets/:name/versions/:version/validate",
    s.object({ name, version, path: s.string() }),
  ),
  /** A version's schema as JSON (`format=json`, the default) or YAML text. */
  getDatasetSchema: route<{ schema: unknown; text: string }>()(
    "GET",
    "/datasets/:name/versions/:version/schema",
    s.object({ name, version, format: s.enum(["json", "yaml"] as const) }),
  ),
  /** Replace a version's schema with an edited one (JSON or YAML text); checked before it is stored. */
  setDatasetSchema: route<{ schema: unknown }>()(
    "PUT",
    "/datasets/:name/versions/:version/schema",
    s.object({ name, version, schema: s.string().required() }),
  ),
  /** Record a version as an input of a tracking run (MLflow `runs/log-inputs`), for lineage. */
  logDatasetInput: route<Record<string, never>>()(
    "POST",
    "/datasets/:name/versions/:version/log-input",
    s.object({ name, version, run_id: s.string().required(), context: s.string() }),
  ),
};

export type PlatformRoutes = typeof platformRoutes;
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
