/** Feature registry versions over SQL (SQLite or PostgreSQL through the portable {@link Database}). */
import type { Database, Queryable } from "../../../core/db/database.js";
import { notFound } from "../../../core/errors.js";
import type { FeatureDefinitions, ObjectKind } from "../feature-spec.js";
import { objectsOf } from "../feature-spec.js";
import type { ObjectVersion, RegistryCommit, RegistryStore, RegistryVersion } from "../registry-store.js";

interface RegistryRow {
  version: number | string;
  definitions_json: string;
  digest: string;
  created_time: number | string;
}

interface ObjectRow {
  kind: string;
  name: string;
  version: number | string;
  registry_version: number | string;
  spec_json: string | null;
  created_time: number | string;
}

const OBJECT_COLUMNS = "kind, name, version, registry_version, spec_json, created_time";

function toRegistry(r: RegistryRow): RegistryVersion {
  return {
    version: Number(r.version),
    definitions: JSON.parse(r.definitions_json) as FeatureDefinitions,
    digest: r.digest,
    createdTime: Number(r.created_time),
  };
}

function toObject(r: ObjectRow): ObjectVersion {
  return {
    kind: r.kind as ObjectKind,
    name: r.name,
    version: Number(r.version),
    registryVersion: Number(r.registry_version),
    ...(r.spec_json === null ? {} : { spec: JSON.parse(r.spec_json) }),
    createdTime: Number(r.created_time),
  };
}

/** The SQL {@link RegistryStore}. Needs the "features" migrations applied. */
export class SqlRegistryStore implements RegistryStore {
  constructor(private readonly db: Database) {}

  async latest(): Promise<RegistryVersion | undefined> {
    const row = await this.db.get<RegistryRow>(
      "SELECT version, definitions_json, digest, created_time FROM feature_registry ORDER BY version DESC LIMIT 1",
    );
    return row ? toRegistry(row) : undefined;
  }

  async get(version: number): Promise<RegistryVersion> {
    const row = await this.db.get<RegistryRow>(
      "SELECT version, definitions_json, digest, created_time FROM feature_registry WHERE version = ?",
      [version],
    );
    if (!row) throw notFound(`The feature registry has no version ${version}.`);
    return toRegistry(row);
  }

  async commit(c: RegistryCommit): Promise<number | "conflict"> {
    try {
      return await this.db.transaction(async (tx) => {
        const max = await tx.get<{ v: number | string | null }>("SELECT MAX(version) AS v FROM feature_registry");
        if (Number(max?.v ?? 0) !== c.expected) return "conflict" as const;
        const version = c.expected + 1;
        await tx.run(
          "INSERT INTO feature_registry (version, definitions_json, digest, changes_json, created_time) VALUES (?, ?, ?, ?, ?)",
          [version, JSON.stringify(c.definitions), c.digest, JSON.stringify(c.changes), c.createdTime],
        );
        await this.insertObjects(tx, c, version);
        return version;
      });
    } catch (e) {
      // A concurrent writer took the number first.
      if (this.db.dialect.isUniqueViolation(e)) return "conflict";
      throw e;
    }
  }

  private async insertObjects(tx: Queryable, c: RegistryCommit, version: number): Promise<void> {
    const specs = new Map(objectsOf(c.definitions).map((o) => [`${o.kind}/${o.spec.name}`, o.spec]));
    for (const change of c.changes) {
      const max = await tx.get<{ v: number | string | null }>(
        "SELECT MAX(version) AS v FROM feature_objects WHERE kind = ? AND name = ?",
        [change.kind, change.name],
      );
      const spec = change.change === "removed" ? null : JSON.stringify(specs.get(`${change.kind}/${change.name}`));
      await tx.run(`INSERT INTO feature_objects (${OBJECT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)`, [
        change.kind,
        change.name,
        Number(max?.v ?? 0) + 1,
        version,
        spec,
        c.createdTime,
      ]);
    }
  }

  async latestObjectVersions(): Promise<ObjectVersion[]> {
    const rows = await this.db.all<ObjectRow>(
      `SELECT o.kind, o.name, o.version, o.registry_version, o.spec_json, o.created_time
       FROM feature_objects o
       JOIN (SELECT kind, name, MAX(version) AS v FROM feature_objects GROUP BY kind, name) m
         ON o.kind = m.kind AND o.name = m.name AND o.version = m.v
       ORDER BY o.name`,
    );
    return rows.map(toObject);
  }

  async objectHistory(name: string): Promise<ObjectVersion[]> {
    const rows = await this.db.all<ObjectRow>(
      `SELECT ${OBJECT_COLUMNS} FROM feature_objects WHERE name = ? ORDER BY registry_version, kind`,
      [name],
    );
    return rows.map(toObject);
  }
}
