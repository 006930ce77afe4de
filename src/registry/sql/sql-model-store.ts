/** Registered models over SQL: create, rename, update, delete, read, tags and aliases. */
import type { KeyValue, ModelVersion, RegisteredModel } from "../../core/api/mlflow-entities.js";
import { STAGES } from "../../core/api/mlflow-entities.js";
import type { Clock } from "../../core/clock.js";
import type { Database, Queryable } from "../../core/db/database.js";
import { nextSeq } from "../../core/db/insertion-order.js";
import { invalidParam, MwError, notFound } from "../../core/errors.js";
import type { CreateRegisteredModelInput, ModelRef, VersionRef } from "../registry-store.js";
import { canonicalStage, parseVersion, validateAlias, validateModelName, validateRegistryTag } from "../validation.js";
import { latestVersions, loadModels, loadVersions } from "./loaders.js";

/** The message MLflow gives for an unknown model. */
export function modelNotFound(name: string): MwError {
  return notFound(`Registered Model with name=${name} not found`);
}

/** The message MLflow gives for an unknown (or deleted) version. */
export function versionNotFound(name: string, version: number | string): MwError {
  return notFound(`Model Version (name=${name}, version=${version}) not found`);
}

function alreadyExists(name: string): MwError {
  return new MwError("RESOURCE_ALREADY_EXISTS", `Registered Model (name=${name}) already exists.`);
}

/** Tables keyed by model name, renamed and deleted together with the model. */
const NAME_TABLES = ["model_versions", "model_version_tags", "registered_model_tags", "registered_model_aliases"];

/** The registered-model half of the SQL registry store. */
export class SqlModelStore {
  constructor(
    protected readonly db: Database,
    protected readonly clock: Clock,
  ) {}

  async createRegisteredModel(input: CreateRegisteredModelInput): Promise<RegisteredModel> {
    validateModelName(input.name);
    for (const t of input.tags ?? []) validateRegistryTag(t.key, t.value);
    const now = this.clock.now();
    try {
      await this.db.transaction(async (tx) => {
        await tx.run(
          "INSERT INTO registered_models (name, creation_time, last_updated_time, description, user_id) VALUES (?, ?, ?, ?, ?)",
          [input.name, now, now, input.description ?? null, input.userId ?? null],
        );
        const tags = new Map((input.tags ?? []).map((t) => [t.key, t.value]));
        await tx.insertMany(
          "registered_model_tags",
          ["name", "key", "value", "seq"],
          [...tags].map(([k, v], i) => [input.name, k, v, i + 1]),
        );
      });
    } catch (e) {
      if (this.db.dialect.isUniqueViolation(e)) throw alreadyExists(input.name);
      throw e;
    }
    return this.getRegisteredModel({ name: input.name });
  }

  async renameRegisteredModel(input: ModelRef & { newName: string }): Promise<RegisteredModel> {
    const { name, newName } = input;
    validateModelName(newName, "new_name");
    try {
      await this.db.transaction(async (tx) => {
        await this.requireModel(tx, name);
        if (newName === name) return;
        if (await tx.get("SELECT name FROM registered_models WHERE name = ?", [newName])) throw alreadyExists(newName);
        const now = this.clock.now();
        await tx.run("UPDATE registered_models SET name = ?, last_updated_time = ? WHERE name = ?", [
          newName,
          now,
          name,
        ]);
        for (const table of NAME_TABLES) await tx.run(`UPDATE ${table} SET name = ? WHERE name = ?`, [newName, name]);
        await tx.run("UPDATE model_versions SET last_updated_time = ? WHERE name = ? AND deleted = 0", [now, newName]);
      });
    } catch (e) {
      // A concurrent create or rename took the new name between the check and the update.
      if (this.db.dialect.isUniqueViolation(e)) throw alreadyExists(newName);
      throw e;
    }
    return this.getRegisteredModel({ name: newName });
  }

  async updateRegisteredModel(input: ModelRef & { description?: string }): Promise<RegisteredModel> {
    const n = await this.db.run("UPDATE registered_models SET description = ?, last_updated_time = ? WHERE name = ?", [
      input.description ?? "",
      this.clock.now(),
      input.name,
    ]);
    if (n === 0) throw modelNotFound(input.name);
    return this.getRegisteredModel(input);
  }

  async deleteRegisteredModel(input: ModelRef): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.requireModel(tx, input.name);
      for (const table of NAME_TABLES) await tx.run(`DELETE FROM ${table} WHERE name = ?`, [input.name]);
      await tx.run("DELETE FROM registered_models WHERE name = ?", [input.name]);
    });
  }

  async getRegisteredModel(input: ModelRef): Promise<RegisteredModel> {
    const [m] = await loadModels(this.db, [input.name]);
    if (!m) throw modelNotFound(input.name);
    return m;
  }

  async getLatestVersions(input: ModelRef & { stages?: readonly string[] }): Promise<ModelVersion[]> {
    const stages = new Set(input.stages?.length ? input.stages.map(canonicalStage) : STAGES);
    await this.requireModel(this.db, input.name);
    const latest = await latestVersions(this.db, [input.name]);
    return latest.filter((v) => stages.has(v.current_stage));
  }

  async setRegisteredModelTag(input: ModelRef & KeyValue): Promise<void> {
    validateRegistryTag(input.key, input.value);
    await this.db.transaction(async (tx) => {
      await this.requireModel(tx, input.name);
      const seq = await nextSeq(tx, "registered_model_tags", "name = ?", [input.name]);
      await tx.run(
        "INSERT INTO registered_model_tags (name, key, value, seq) VALUES (?, ?, ?, ?) ON CONFLICT (name, key) DO UPDATE SET value = excluded.value",
        [input.name, input.key, input.value, seq],
      );
    });
  }

  async deleteRegisteredModelTag(input: ModelRef & { key: string }): Promise<void> {
    await this.requireModel(this.db, input.name);
    await this.db.run("DELETE FROM registered_model_tags WHERE name = ? AND key = ?", [input.name, input.key]);
  }

  async setAlias(input: VersionRef & { alias: string }): Promise<void> {
    validateAlias(input.alias);
    const version = parseVersion(input.version);
    await this.db.transaction(async (tx) => {
      await this.requireVersion(tx, input.name, version);
      await tx.run(
        "INSERT INTO registered_model_aliases (name, alias, version) VALUES (?, ?, ?) ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version",
        [input.name, input.alias, version],
      );
      await this.touchModel(tx, input.name);
    });
  }

  async deleteAlias(input: ModelRef & { alias: string }): Promise<void> {
    validateAlias(input.alias);
    await this.db.transaction(async (tx) => {
      await this.requireModel(tx, input.name);
      const n = await tx.run("DELETE FROM registered_model_aliases WHERE name = ? AND alias = ?", [
        input.name,
        input.alias,
      ]);
      if (n > 0) await this.touchModel(tx, input.name);
    });
  }

  async getModelVersionByAlias(input: ModelRef & { alias: string }): Promise<ModelVersion> {
    validateAlias(input.alias);
    await this.requireModel(this.db, input.name);
    const row = await this.db.get<{ version: number }>(
      "SELECT version FROM registered_model_aliases WHERE name = ? AND alias = ?",
      [input.name, input.alias],
    );
    // MLflow's wording and code: clients treat this exact error as "alias not set".
    if (!row) throw invalidParam(`Registered model alias ${input.alias} not found.`);
    const [mv] = await loadVersions(this.db, [{ name: input.name, version: Number(row.version) }]);
    if (!mv) throw await this.missingVersion(input.name, row.version);
    return mv;
  }

  /** The error for a version lookup that found nothing: the model's when the model is missing too. */
  protected async missingVersion(name: string, version: number): Promise<MwError> {
    const model = await this.db.get("SELECT name FROM registered_models WHERE name = ?", [name]);
    return model ? versionNotFound(name, version) : modelNotFound(name);
  }

  /** Fail with RESOURCE_DOES_NOT_EXIST unless the model exists. */
  protected async requireModel(q: Queryable, name: string): Promise<void> {
    if (!(await q.get("SELECT name FROM registered_models WHERE name = ?", [name]))) throw modelNotFound(name);
  }

  /** Fail with RESOURCE_DOES_NOT_EXIST unless the model and the (live) version exist. */
  protected async requireVersion(q: Queryable, name: string, version: number): Promise<void> {
    await this.requireModel(q, name);
    const row = await q.get("SELECT version FROM model_versions WHERE name = ? AND version = ? AND deleted = 0", [
      name,
      version,
    ]);
    if (!row) throw versionNotFound(name, version);
  }

  /** Bump a model's last-updated time. */
  protected async touchModel(q: Queryable, name: string, now = this.clock.now()): Promise<void> {
    await q.run("UPDATE registered_models SET last_updated_time = ? WHERE name = ?", [now, name]);
  }
}
