/**
 * The model registry contract: registered models, versions, stages, aliases and tags.
 * Every backend (SQLite, PostgreSQL) passes the same contract suite.
 */
import type { KeyValue, ModelVersion, RegisteredModel } from "../core/api/mlflow-entities.js";
import type { Page } from "../core/page.js";

/** A registered model addressed by name. */
export interface ModelRef {
  name: string;
}

/** A model version addressed by model name and version number (a decimal string on the wire). */
export interface VersionRef {
  name: string;
  version: string | number;
}

/** The fields of a new registered model. */
export interface CreateRegisteredModelInput {
  name: string;
  description?: string;
  tags?: KeyValue[];
  userId?: string;
}

/** The fields of a new model version. */
export interface CreateModelVersionInput {
  name: string;
  source: string;
  /** Where the files really are when `source` names them indirectly (e.g. `runs:/...`); as MLflow's column. */
  storageLocation?: string;
  runId?: string;
  runLink?: string;
  description?: string;
  tags?: KeyValue[];
  userId?: string;
  /** MLflow 3: the logged model (`m-…`) the version is created from. */
  modelId?: string;
}

/** A stage change; `archiveExistingVersions` is only allowed for Staging and Production. */
export interface TransitionStageInput extends VersionRef {
  stage: string;
  archiveExistingVersions?: boolean;
}

/** A search request as MLflow's registry search endpoints take it. */
export interface RegistrySearchQuery {
  filter?: string;
  orderBy?: readonly string[];
  maxResults?: number;
  pageToken?: string;
}

/** A live model version whose package folder in the artifact store covers a path. */
export interface CoveringSource {
  name: string;
  version: string;
  /** The version's package folder, as an artifact-store path (`0/<run>/artifacts/model`). */
  path: string;
}

/** MLflow's model registry semantics. */
export interface RegistryStore {
  /** Create a model; RESOURCE_ALREADY_EXISTS when the name is taken. */
  createRegisteredModel(input: CreateRegisteredModelInput): Promise<RegisteredModel>;
  /** Rename a model with its versions, tags and aliases, atomically. */
  renameRegisteredModel(input: ModelRef & { newName: string }): Promise<RegisteredModel>;
  /** Set the description (absent means empty, as MLflow). */
  updateRegisteredModel(input: ModelRef & { description?: string }): Promise<RegisteredModel>;
  /** Delete a model with its versions, tags and aliases. */
  deleteRegisteredModel(input: ModelRef): Promise<void>;
  /** A model with its latest READY version per stage, tags and aliases. */
  getRegisteredModel(input: ModelRef): Promise<RegisteredModel>;
  /** One page of models matching a filter (`name`, `tags.k`). */
  searchRegisteredModels(query: RegistrySearchQuery): Promise<Page<RegisteredModel>>;
  /** The latest READY version in each requested stage (all stages when none are given). */
  getLatestVersions(input: ModelRef & { stages?: readonly string[] }): Promise<ModelVersion[]>;
  /** Set (or overwrite) a model tag. */
  setRegisteredModelTag(input: ModelRef & KeyValue): Promise<void>;
  /** Remove a model tag; a missing tag is not an error. */
  deleteRegisteredModelTag(input: ModelRef & { key: string }): Promise<void>;
  /** Point an alias at a version, moving it if it already exists. */
  setAlias(input: VersionRef & { alias: string }): Promise<void>;
  /** Remove an alias; a missing alias is not an error. */
  deleteAlias(input: ModelRef & { alias: string }): Promise<void>;
  /** The version an alias points at; INVALID_PARAMETER_VALUE when the alias is not set. */
  getModelVersionByAlias(input: ModelRef & { alias: string }): Promise<ModelVersion>;
  /** Register the next version number of a model, READY in stage "None". */
  createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion>;
  /** Set a version's description (absent means empty, as MLflow). */
  updateModelVersion(input: VersionRef & { description?: string }): Promise<ModelVersion>;
  /** Move a version to a legacy stage, optionally archiving the others in that stage. */
  transitionModelVersionStage(input: TransitionStageInput): Promise<ModelVersion>;
  /** Delete a version and the aliases pointing at it; its number is never reused. */
  deleteModelVersion(input: VersionRef): Promise<void>;
  /** A version with its tags and aliases. */
  getModelVersion(input: VersionRef): Promise<ModelVersion>;
  /** One page of versions matching a filter (`name`, `run_id`, `version_number`, `tags.k`, ...). */
  searchModelVersions(query: RegistrySearchQuery): Promise<Page<ModelVersion>>;
  /** Where a version's artifacts are: its storage location, else its source. */
  getModelVersionDownloadUri(input: VersionRef): Promise<string>;
  /** Set (or overwrite) a version tag. */
  setModelVersionTag(input: VersionRef & KeyValue): Promise<void>;
  /** Remove a version tag; a missing tag is not an error. */
  deleteModelVersionTag(input: VersionRef & { key: string }): Promise<void>;
  /**
   * Live versions whose package folder (in the proxied artifact store) is `path` or one of its
   * parents, and with `below` also those inside `path`: the versions a write or delete there would
   * change. At most 10, by name and version.
   */
  sourcesCovering(path: string, options?: { below?: boolean }): Promise<CoveringSource[]>;
}
