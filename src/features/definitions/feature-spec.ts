/**
 * Feature store definitions: entities, sources, feature views and feature services. Plain JSON with
 * snake_case keys, so a definition is its own wire format (stored, answered by the API, printed).
 */
import type { LogicalType } from "../../data/table.js";

/** A value type of a join key or feature: the Table's logical types. */
export type ValueType = LogicalType;

/** What kind of object a definition is. Names are unique across kinds. */
export const OBJECT_KINDS = ["entity", "source", "feature_view", "feature_service"] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

/** A join key: a column name and its value type. */
export interface JoinKey {
  name: string;
  type: ValueType;
}

/** Something features describe (a customer): its join keys are the columns rows are matched on. */
export interface EntitySpec {
  name: string;
  join_keys: JoinKey[];
  description?: string;
  tags?: Record<string, string>;
}

/** Timestamped rows: a dataset of the dataset store (the latest version unless pinned with `@VERSION`). */
export interface SourceSpec {
  name: string;
  dataset: string;
  /** A pinned dataset version; absent means the latest at retrieval time. */
  version?: number;
  /** The column holding each row's event time. */
  timestamp_field: string;
  /** The column holding when a row was written; breaks ties between rows of the same event time. */
  created_timestamp_column?: string;
  description?: string;
  tags?: Record<string, string>;
}

/** One feature of a view: a column of its source. */
export interface FeatureSpec {
  name: string;
  type: ValueType;
  description?: string;
}

/** Features of some entities read from one source, with how far back a value stays valid. */
export interface FeatureViewSpec {
  name: string;
  entities: string[];
  source: string;
  features: FeatureSpec[];
  /** How far before an entity row's time a feature row may be (inclusive); 0 means no limit. */
  ttl_ms: number;
  /** Whether the view is materialized into the online store. */
  online: boolean;
  tags?: Record<string, string>;
  description?: string;
}

/** A projection of a service: a whole view, or some of its features. */
export interface ServiceProjection {
  view: string;
  /** The selected features in order; absent means every feature of the view. */
  features?: string[];
}

/** A named set of features (typically one per model). */
export interface FeatureServiceSpec {
  name: string;
  /** References as written: `view` (the whole view) or `view:feature`. */
  features: string[];
  description?: string;
  tags?: Record<string, string>;
}

/** Every object of a registry version. */
export interface FeatureDefinitions {
  entities: EntitySpec[];
  sources: SourceSpec[];
  feature_views: FeatureViewSpec[];
  feature_services: FeatureServiceSpec[];
}

/** One object of any kind, with its kind. */
export type AnyObject =
  | { kind: "entity"; spec: EntitySpec }
  | { kind: "source"; spec: SourceSpec }
  | { kind: "feature_view"; spec: FeatureViewSpec }
  | { kind: "feature_service"; spec: FeatureServiceSpec };

/** No definitions at all (before the first apply). */
export function emptyDefinitions(): FeatureDefinitions {
  return { entities: [], sources: [], feature_views: [], feature_services: [] };
}

/** Every object of a set of definitions, kind by kind. */
export function objectsOf(d: FeatureDefinitions): AnyObject[] {
  return [
    ...d.entities.map((spec) => ({ kind: "entity" as const, spec })),
    ...d.sources.map((spec) => ({ kind: "source" as const, spec })),
    ...d.feature_views.map((spec) => ({ kind: "feature_view" as const, spec })),
    ...d.feature_services.map((spec) => ({ kind: "feature_service" as const, spec })),
  ];
}

/** A source's dataset reference as written: `NAME` or `NAME@VERSION`. */
export function datasetRefOf(s: SourceSpec): string {
  return s.version === undefined ? s.dataset : `${s.dataset}@${s.version}`;
}
