/** The model registry on any {@link Database}: SQLite or PostgreSQL through the same SQL. */
import type { KeyValue, ModelVersion, RegisteredModel } from "../../core/api/mlflow-entities.js";
import type { Clock } from "../../core/clock.js";
import { systemClock } from "../../core/clock.js";
import type { Database, Queryable } from "../../core/db/database.js";
import { nextSeq } from "../../core/db/insertion-order.js";
import { invalidParam } from "../../core/errors.js";
import type { Page } from "../../core/page.js";
import { storePathOf } from "../model-source.js";
import type {
  CoveringSource,
  CreateModelVersionInput,
  RegistrySearchQuery,
  RegistryStore,
  TransitionStageInput,
  VersionRef,
} from "../registry-store.js";
import { canonicalStage, parseVersion, validateModelName, validateRegistryTag, validateSource } from "../validation.js";
import { loadVersions } from "./loaders.js";
import { searchModelVersions, searchRegisteredModels } from "./registry-search.js";
import { modelNotFound, SqlModelStore } from "./sql-model-store.js";

/** Options of {@link SqlRegistryStore}; the clock defaults to the system clock. */
export interface SqlRegistryStoreOptions {
  clock?: Clock;
}

// Concurrent creates on PostgreSQL may pick the same next number; the loser retries.
const CREATE_ATTEMPTS = 20;

/** What MLflow keeps of a deleted version's fields. */
const REDACTED_SOURCE = "REDACTED-SOURCE-PATH";

/** MLflow's model registry semantics over SQL. */
export class SqlRegistryStore extends SqlModelStore implements RegistryStore {
  constructor(db: Database, options: SqlRegistryStoreOptions = {}) {
    super(db, options.clock ?? systemClock);
  }

  searchRegisteredModels(query: RegistrySearchQuery): Promise<Page<RegisteredModel>> {
    return searchRegisteredModels(this.db, query);
  }

  searchModelVersions(query: RegistrySearchQuery): Promise<Page<ModelVersion>> {
    return searchModelVersions(this.db, query);
  }

  async createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion> {
    validateModelName(input.name);
    validateSource(input.source);
    for (const t of input.tags ?? []) validateRegistryTag(t.key, t.value);
    for (let attempt = 1; ; attempt++) {
      try {
        const version = await this.db.transaction((tx) => this.insertVersion(tx, input));
        return await this.getModelVersion({ name: input.name, version });
      } catch (e) {
        if (!this.db.dialect.isUniqueViolation(e) || attempt >= CREATE_ATTEMPTS) throw e;
      }
    }
  }

  private async insertVersion(tx: Queryable, input: CreateModelVersionInput): Promise<number> {
    const now = this.clock.now();
    // Updating the model row first also locks it, so concurrent creators mostly queue here.
    const n = await tx.run("UPDATE registered_models SET last_updated_time = ? WHERE name = ?", [now, input.name]);
    if (n === 0) throw modelNotFound(input.name);
    // Deleted versions count: numbers are never reused.
    const row = await tx.get<{ v: number | null }>("SELECT MAX(version) AS v FROM model_versions WHERE name = ?", [
      input.name,
    ]);
    const version = Number(row?.v ?? 0) + 1;
    // The package folder this version freezes in the artifact store (see sourcesCovering).
    const storePath = storePathOf(input.storageLocation || input.source);
    await tx.run(
      `INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id, current_stage,
         source, storage_location, run_id, run_link, status, status_message, deleted, store_path, model_id)
       VALUES (?, ?, ?, ?, ?, ?, 'None', ?, ?, ?, ?, 'READY', NULL, 0, ?, ?)`,
      [
        input.name,
        version,
        now,
        now,
        input.description ?? null,
        input.userId ?? null,
        input.source,
        input.storageLocation || null,
        input.runId || null,
        input.runLink || null,
        storePath ?? null,
        input.modelId || null,
      ],
    );
    const tags = new Map((input.tags ?? []).map((t) => [t.key, t.value]));
    await tx.insertMany(
      "model_version_tags",
      ["name", "version", "key", "value", "seq"],
      [...tags].map(([k, v], i) => [input.name, version, k, v, i + 1]),
    );
    return version;
  }

  async updateModelVersion(input: VersionRef & { description?: string }): Promise<ModelVersion> {
    const version = parseVersion(input.version);
    await this.db.transaction(async (tx) => {
      await this.requireVersion(tx, input.name, version);
      await tx.run("UPDATE model_versions SET description = ?, last_updated_time = ? WHERE name = ? AND version = ?", [
        input.description ?? "",
        this.clock.now(),
        input.name,
        version,
      ]);
    });
    return this.getModelVersion({ name: input.name, version });
  }

  async transitionModelVersionStage(input: TransitionStageInput): Promise<ModelVersion> {
    const version = parseVersion(input.version);
    const stage = canonicalStage(input.stage);
    const archive = input.archiveExistingVersions ?? false;
    if (archive && stage !== "Staging" && stage !== "Production") {
      throw invalidParam(
        `Model version transition cannot archive existing model versions because '${stage}' is not an Active stage. Valid stages are Staging and Production.`,
      );
    }
    await this.db.transaction(async (tx) => {
      await this.requireVersion(tx, input.name, version);
      const now = this.clock.now();
      if (archive) {
        await tx.run(
          `UPDATE model_versions SET current_stage = 'Archived', last_updated_time = ?
           WHERE name = ? AND current_stage = ? AND version <> ? AND deleted = 0`,
          [now, input.name, stage, version],
        );
      }
      await tx.run(
        "UPDATE model_versions SET current_stage = ?, last_updated_time = ? WHERE name = ? AND version = ?",
        [stage, now, input.name, version],
      );
      await this.touchModel(tx, input.name, now);
    });
    return this.getModelVersion({ name: input.name, version });
  }

  async deleteModelVersion(input: VersionRef): Promise<void> {
    const version = parseVersion(input.version);
    await this.db.transaction(async (tx) => {
      await this.requireVersion(tx, input.name, version);
      const now = this.clock.now();
      // The row stays (its number is never reused); its details are dropped, as MLflow does.
      await tx.run(
        `UPDATE model_versions SET deleted = 1, last_updated_time = ?, description = NULL, user_id = NULL, source = ?,
           storage_location = NULL, run_id = NULL, run_link = NULL, status_message = NULL, store_path = NULL,
           model_id = NULL
         WHERE name = ? AND version = ?`,
        [now, REDACTED_SOURCE, input.name, version],
      );
      const key = [input.name, version];
      await tx.run("DELETE FROM registered_model_aliases WHERE name = ? AND version = ?", key);
      await tx.run("DELETE FROM model_version_tags WHERE name = ? AND version = ?", key);
      await this.touchModel(tx, input.name, now);
    });
  }

  async getModelVersion(input: VersionRef): Promise<ModelVersion> {
    const version = parseVersion(input.version);
    const [mv] = await loadVersions(this.db, [{ name: input.name, version }]);
    if (!mv) throw await this.missingVersion(input.name, version);
    return mv;
  }

  async getModelVersionDownloadUri(input: VersionRef): Promise<string> {
    const version = parseVersion(input.version);
    const row = await this.db.get<{ source: string; storage_location: string | null }>(
      "SELECT source, storage_location FROM model_versions WHERE name = ? AND version = ? AND deleted = 0",
      [input.name, version],
    );
    if (!row) throw await this.missingVersion(input.name, version);
    return row.storage_location || row.source;
  }

  async sourcesCovering(path: string, options: { below?: boolean } = {}): Promise<CoveringSource[]> {
    const segments = path.split("/").filter((s) => s !== "");
    const parents = segments.map((_, i) => segments.slice(0, i + 1).join("/"));
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (parents.length > 0) {
      where.push(`store_path IN (${parents.map(() => "?").join(", ")})`);
      params.push(...parents);
    }
    if (options.below) {
      if (parents.length === 0) where.push("store_path IS NOT NULL");
      else {
        // An exact prefix compare (LIKE is case-insensitive in SQLite); lengths in characters on both engines.
        const prefix = `${parents[parents.length - 1]}/`;
        where.push("substr(store_path, 1, ?) = ?");
        params.push([...prefix].length, prefix);
      }
    }
    if (where.length === 0) return [];
    const rows = await this.db.all<{ name: string; version: number; store_path: string }>(
      `SELECT name, version, store_path FROM model_versions WHERE deleted = 0 AND (${where.join(" OR ")})
       ORDER BY name, version LIMIT 10`,
      params,
    );
    return rows.map((r) => ({ name: r.name, version: String(r.version), path: r.store_path }));
  }

  async setModelVersionTag(input: VersionRef & KeyValue): Promise<void> {
    const version = parseVersion(input.version);
    validateRegistryTag(input.key, input.value);
    await this.db.transaction(async (tx) => {
      await this.requireVersion(tx, input.name, version);
      const seq = await nextSeq(tx, "model_version_tags", "name = ? AND version = ?", [input.name, version]);
      await tx.run(
        `INSERT INTO model_version_tags (name, version, key, value, seq) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (name, version, key) DO UPDATE SET value = excluded.value`,
        [input.name, version, input.key, input.value, seq],
      );
    });
  }

  async deleteModelVersionTag(input: VersionRef & { key: string }): Promise<void> {
    const version = parseVersion(input.version);
    await this.db.transaction(async (tx) => {
      await this.requireVersion(tx, input.name, version);
      await tx.run("DELETE FROM model_version_tags WHERE name = ? AND version = ? AND key = ?", [
        input.name,
        version,
        input.key,
      ]);
    });
  }
}
