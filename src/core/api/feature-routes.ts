/**
 * The feature store API (under `/api/modelworks/v1/features`): apply definitions, list and show
 * objects, and build point-in-time training sets. The wire types are the features module's own.
 */

import { s } from "../schema.js";
import { access } from "./access.js";
import { route } from "./route.js";
import type { StreamedFile } from "./streamed-file.js";

const OBJECT_KINDS = ["entity", "source", "feature_view", "feature_service"] as const;

/** One object as stored: its definition (`spec`, snake_case) and version. */
export interface FeatureObjectInfo {
  kind: (typeof OBJECT_KINDS)[number];
  name: string;
  /** Counts the applies that changed this object. */
  version: number;
  /** The registry version that last changed it. */
  registry_version: number;
  created_time: number;
  spec: Record<string, unknown>;
}

/** One object's change in an apply. */
export interface FeatureChangeInfo {
  kind: (typeof OBJECT_KINDS)[number];
  name: string;
  change: "added" | "changed" | "removed";
  fields?: string[];
}

/** What an apply did (or, with `dry_run`, would do). */
export interface FeatureApplyInfo {
  dry_run: boolean;
  /** The registry version now (unchanged when nothing changed or on a dry run). */
  registry_version: number;
  previous_version: number;
  changes: FeatureChangeInfo[];
  unchanged: number;
  /** `file:line: path: message` notes that do not refuse the files (e.g. a dataset not added yet). */
  warnings: string[];
}

/** The dataset version a training set read for a source. */
export interface FeatureSourceRead {
  source: string;
  dataset: string;
  version: number;
  digest: string;
}

/** Feast's field statuses of an online read. */
export type FieldStatus = "PRESENT" | "NULL_VALUE" | "NOT_FOUND" | "OUTSIDE_MAX_AGE";

/** Feast's feature-server answer: entity columns then features, each with per-row values, statuses, event times. */
export interface OnlineFeaturesResponse {
  metadata: { feature_names: string[] };
  results: { values: unknown[]; statuses: FieldStatus[]; event_timestamps: string[] }[];
}

/** How fresh one online view is. */
export interface ViewFreshness {
  view: string;
  /** Newest event time materialized (ms), null when nothing is. */
  newest_event_time: number | null;
  /** now − newest event time (ms), null when nothing is materialized. */
  age_ms: number | null;
  watermark: number | null;
  updated_time: number | null;
}

/**
 * Feature definitions and offline retrieval. Applying replaces the whole set of definitions, so
 * it is for admins; retrieval needs read on every dataset it reads (`feature_datasets`).
 */
export const featureRoutes = {
  /** Validate and store definition files (YAML text); the files are the whole set (objects left out are removed). */
  applyFeatures: route<FeatureApplyInfo>()(
    "POST",
    "/features/apply",
    s.object({
      files: s.array(s.object({ path: s.string().required(), text: s.string().required() }), 1000).required(),
      dry_run: s.bool(),
    }),
    access.admin,
  ),
  /** Every current object (of one kind when `kind` is given), by name. */
  listFeatureObjects: route<{ registry_version: number; objects: FeatureObjectInfo[] }>()(
    "GET",
    "/features",
    s.object({ kind: s.enum(OBJECT_KINDS) }),
    access.user,
  ),
  /** One object by name, with every version of it (removals have no spec). */
  getFeatureObject: route<{ object: FeatureObjectInfo; history: Omit<FeatureObjectInfo, "spec">[] }>()(
    "GET",
    "/features/objects/:name",
    s.object({ name: s.string().required() }),
    access.user,
  ),
  /**
   * A training set: each entity row joined with each selected view's latest row at or before its
   * time (within the view's ttl). Entities come as a dataset (`entities: NAME[@VERSION]`) or as the
   * raw body (CSV or Parquet). The answer streams the file (`format` csv, default, or parquet);
   * headers `x-modelworks-registry-version`, `x-modelworks-feature-sources` (JSON),
   * `x-modelworks-rows` and `x-modelworks-join-keys` (URL-encoded names, comma-separated) say
   * what it read and holds.
   */
  getHistoricalFeatures: route<StreamedFile>()(
    "POST",
    "/features/get-historical",
    s.object({
      entities: s.string(),
      service: s.string(),
      /** `view:feature` or `view` references, comma-separated. */
      features: s.string(),
      full_names: s.bool(),
      /** The entity rows' time column (default `event_timestamp`). */
      event_time: s.string(),
      format: s.enum(["csv", "parquet"] as const),
      /** Read the definitions as of this registry version (default the latest). */
      registry_version: s.int64(),
      /** Pin source datasets: `NAME@VERSION,...` (default each source's version or the latest). */
      dataset_versions: s.string(),
    }),
    access.on("dataset", "read", "feature_datasets"),
  ),
  /**
   * Online features, Feast's feature-server request (`features` or `feature_service`, `entities:
   * {join_key: [values]}`) and answer; each view's ttl is enforced (status `OUTSIDE_MAX_AGE`).
   * Needs read on the selected views' source datasets, as get-historical.
   */
  getOnlineFeatures: route<OnlineFeaturesResponse>()(
    "POST",
    "/features/get-online-features",
    s.object({
      features: s.array(s.string(), 10_000),
      feature_service: s.string(),
      entities: s.any().required(),
      full_feature_names: s.bool(),
    }),
    access.on("dataset", "read", "feature_datasets"),
  ),
  /** Freshness of every online view: newest materialized event time, its age, the watermark. */
  getFeatureFreshness: route<{ views: ViewFreshness[] }>()("GET", "/features/freshness", s.object({}), access.user),
};

export type FeatureRouteName = keyof typeof featureRoutes;
