/** Where feature definitions are kept: numbered registry versions and per-object versions. */
import type { ObjectChange } from "./definitions-diff.js";
import type { FeatureDefinitions, ObjectKind } from "./feature-spec.js";

/** One applied set of definitions. Version 0 is the empty registry before any apply. */
export interface RegistryVersion {
  version: number;
  definitions: FeatureDefinitions;
  /** SHA-256 of the definitions' stable JSON. */
  digest: string;
  createdTime: number;
}

/** One version of one object; `spec` is absent for a removal. */
export interface ObjectVersion {
  kind: ObjectKind;
  name: string;
  version: number;
  registryVersion: number;
  spec?: unknown;
  createdTime: number;
}

/** A new registry version to store on top of `expected`. */
export interface RegistryCommit {
  /** The version the changes were computed against; another writer in between is a conflict. */
  expected: number;
  definitions: FeatureDefinitions;
  digest: string;
  changes: ObjectChange[];
  createdTime: number;
}

/** The metadata store of feature definitions (SQL today; the same contract for every backend). */
export interface RegistryStore {
  /** The latest registry version, or undefined before the first apply. */
  latest(): Promise<RegistryVersion | undefined>;
  /** One registry version; RESOURCE_DOES_NOT_EXIST when there is none of that number. */
  get(version: number): Promise<RegistryVersion>;
  /** Store the next version and its object versions; `conflict` when `expected` is no longer the latest. */
  commit(c: RegistryCommit): Promise<number | "conflict">;
  /** The newest version row of every object ever applied (removals included). */
  latestObjectVersions(): Promise<ObjectVersion[]>;
  /** Every version of the objects called `name`, oldest first. */
  objectHistory(name: string): Promise<ObjectVersion[]>;
}
