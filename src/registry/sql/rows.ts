/** Row shapes of the registry tables and their mapping to wire entities. */
import type {
  KeyValue,
  ModelVersion,
  ModelVersionStatus,
  RegisteredModel,
  RegisteredModelAlias,
  Stage,
} from "../../core/api/mlflow-entities.js";

/** A `registered_models` row. */
export interface RegisteredModelRow {
  name: string;
  creation_time: number;
  last_updated_time: number;
  description: string | null;
  user_id: string | null;
}

/** A `model_versions` row (the columns of {@link VERSION_COLUMNS}). */
export interface ModelVersionRow {
  name: string;
  version: number;
  creation_time: number;
  last_updated_time: number;
  description: string | null;
  user_id: string | null;
  current_stage: Stage;
  source: string;
  storage_location: string | null;
  run_id: string | null;
  run_link: string | null;
  status: ModelVersionStatus;
  status_message: string | null;
  model_id: string | null;
}

/** A model version's identity. */
export interface VersionKey {
  name: string;
  version: number;
}

/** The columns of a version row, for SELECTs that alias the table as `mv`. */
export const VERSION_COLUMNS =
  "mv.name, mv.version, mv.creation_time, mv.last_updated_time, mv.description, mv.user_id, mv.current_stage, " +
  "mv.source, mv.storage_location, mv.run_id, mv.run_link, mv.status, mv.status_message, mv.model_id";

/** A version row (with its tags and aliases) as the wire entity; empty fields are omitted. */
export function toModelVersion(r: ModelVersionRow, tags: KeyValue[], aliases: string[]): ModelVersion {
  const mv: ModelVersion = {
    name: r.name,
    version: String(r.version),
    creation_timestamp: Number(r.creation_time),
    last_updated_timestamp: Number(r.last_updated_time),
    current_stage: r.current_stage,
    source: r.source,
    status: r.status,
  };
  if (r.user_id) mv.user_id = r.user_id;
  if (r.description !== null) mv.description = r.description;
  if (r.run_id) mv.run_id = r.run_id;
  if (r.run_link) mv.run_link = r.run_link;
  if (r.status_message) mv.status_message = r.status_message;
  if (tags.length > 0) mv.tags = tags;
  if (aliases.length > 0) mv.aliases = aliases;
  if (r.model_id) mv.model_id = r.model_id;
  return mv;
}

/** A model row (with its latest versions, tags and aliases) as the wire entity. */
export function toRegisteredModel(
  r: RegisteredModelRow,
  latest: ModelVersion[],
  tags: KeyValue[],
  aliases: RegisteredModelAlias[],
): RegisteredModel {
  const m: RegisteredModel = {
    name: r.name,
    creation_timestamp: Number(r.creation_time),
    last_updated_timestamp: Number(r.last_updated_time),
  };
  if (r.user_id) m.user_id = r.user_id;
  if (r.description !== null) m.description = r.description;
  if (latest.length > 0) m.latest_versions = latest;
  if (tags.length > 0) m.tags = tags;
  if (aliases.length > 0) m.aliases = aliases;
  return m;
}

/** A key for maps over versions. */
export function versionKey(name: string, version: number): string {
  return `${version}\u0000${name}`;
}
