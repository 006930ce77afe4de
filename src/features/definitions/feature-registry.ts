/**
 * Applying, listing and reading feature definitions. An apply takes the whole set of files: it is
 * parsed and checked at once (every problem as `file:line: path: message`), compared with the
 * latest registry version, and stored as the next version only when something changed.
 */
import { createHash } from "node:crypto";
import type { FeatureApplyInfo, FeatureObjectInfo } from "../../core/api/feature-routes.js";
import type { Clock } from "../../core/clock.js";
import { invalidParam, MwError, notFound } from "../../core/errors.js";
import type { DatasetColumnsLookup } from "./check-definitions.js";
import { checkDefinitions } from "./check-definitions.js";
import { diffDefinitions, stableJson } from "./definitions-diff.js";
import type { FeatureDefinitions, ObjectKind } from "./feature-spec.js";
import { emptyDefinitions, objectsOf } from "./feature-spec.js";
import type { DefinitionFile } from "./parse-definitions.js";
import { parseDefinitionFiles } from "./parse-definitions.js";
import type { ObjectVersion, RegistryStore, RegistryVersion } from "./registry-store.js";

export interface FeatureRegistryDeps {
  store: RegistryStore;
  /** A dataset version's columns, to check sources against (absent datasets are only warned about). */
  columnsOf: DatasetColumnsLookup;
  clock: Clock;
}

const MAX_FILES_BYTES = 4 * 1024 * 1024;

/** The feature registry: versioned definitions over a {@link RegistryStore}. */
export class FeatureRegistry {
  constructor(private readonly deps: FeatureRegistryDeps) {}

  /** Check `files` as the whole set of definitions and store them (unless `dryRun`); invalidParam lists every problem. */
  async apply(files: readonly DefinitionFile[], options: { dryRun?: boolean } = {}): Promise<FeatureApplyInfo> {
    if (files.length === 0) throw invalidParam("No definition files given.");
    const bytes = files.reduce((n, f) => n + f.text.length, 0);
    if (bytes > MAX_FILES_BYTES) throw invalidParam(`Definition files hold ${bytes} characters; at most 4 MiB.`);
    const checked = await checkDefinitions(parseDefinitionFiles(files), this.deps.columnsOf);
    if (checked.problems.length > 0) throw invalidParam(checked.problems.join("\n"));
    const definitions = checked.definitions;
    const digest = digestOf(definitions);
    // Another apply may land between reading the latest version and committing: recompute then.
    for (let attempt = 0; attempt < 10; attempt++) {
      const before = await this.at();
      const changes = diffDefinitions(before.definitions, definitions);
      const unchanged = objectsOf(definitions).length - changes.filter((c) => c.change !== "removed").length;
      const result = {
        dry_run: options.dryRun === true,
        registry_version: before.version,
        previous_version: before.version,
        changes,
        unchanged,
        warnings: checked.warnings,
      };
      if (options.dryRun || changes.length === 0) return result;
      const version = await this.deps.store.commit({
        expected: before.version,
        definitions,
        digest,
        changes,
        createdTime: this.deps.clock.now(),
      });
      if (version !== "conflict") return { ...result, registry_version: version };
    }
    throw new MwError("RESOURCE_CONFLICT", "Feature definitions kept changing during apply; try again.");
  }

  /** A registry version (default the latest; version 0 is the empty registry). */
  async at(version?: number): Promise<RegistryVersion> {
    if (version === undefined) return (await this.deps.store.latest()) ?? emptyVersion();
    if (version === 0) return emptyVersion();
    return this.deps.store.get(version);
  }

  /** The current objects (of one kind when given), by name. */
  async list(kind?: ObjectKind): Promise<{ registry_version: number; objects: FeatureObjectInfo[] }> {
    const latest = await this.at();
    const versions = new Map((await this.deps.store.latestObjectVersions()).map((v) => [`${v.kind}/${v.name}`, v]));
    const objects = objectsOf(latest.definitions)
      .filter((o) => kind === undefined || o.kind === kind)
      .map((o) => info(versions.get(`${o.kind}/${o.spec.name}`), o.kind, o.spec))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { registry_version: latest.version, objects };
  }

  /** One current object with its history; RESOURCE_DOES_NOT_EXIST when no current object has that name. */
  async show(name: string): Promise<{ object: FeatureObjectInfo; history: Omit<FeatureObjectInfo, "spec">[] }> {
    const latest = await this.at();
    const current = objectsOf(latest.definitions).find((o) => o.spec.name === name);
    if (!current) throw notFound(`No feature store object is named '${name}'.`);
    const history = (await this.deps.store.objectHistory(name)).filter((v) => v.kind === current.kind);
    return {
      object: info(history[history.length - 1], current.kind, current.spec),
      history: history.map((v) => ({
        kind: v.kind,
        name: v.name,
        version: v.version,
        registry_version: v.registryVersion,
        created_time: v.createdTime,
      })),
    };
  }
}

/** SHA-256 of definitions' stable JSON. */
export function digestOf(d: FeatureDefinitions): string {
  return createHash("sha256").update(stableJson(d)).digest("hex");
}

function emptyVersion(): RegistryVersion {
  const definitions = emptyDefinitions();
  return { version: 0, definitions, digest: digestOf(definitions), createdTime: 0 };
}

function info(v: ObjectVersion | undefined, kind: ObjectKind, spec: object): FeatureObjectInfo {
  return {
    kind,
    name: (spec as { name?: string }).name ?? v?.name ?? "",
    version: v?.version ?? 0,
    registry_version: v?.registryVersion ?? 0,
    created_time: v?.createdTime ?? 0,
    spec: spec as Record<string, unknown>,
  };
}
