/** Logged models over SQL (SQLite or PostgreSQL): the logged-model half of the SQL tracking store. */
import type { FinalLoggedModelStatus, LoggedModel } from "../../core/api/logged-model-entities.js";
import { FINAL_LOGGED_MODEL_STATUSES } from "../../core/api/logged-model-entities.js";
import type { KeyValue } from "../../core/api/mlflow-entities.js";
import type { Queryable, SqlValue } from "../../core/db/database.js";
import { invalidParam, notFound } from "../../core/errors.js";
import { newRunId, randomRunName } from "../../core/ids.js";
import type { Page } from "../../core/page.js";
import { SqlExperimentStore } from "../sql/sql-experiment-store.js";
import { validateKey, validateParamValue, validateTagValue } from "../validation.js";
import { type LoggedModelRow, loadLoggedModels } from "./logged-model-loader.js";
import { searchLoggedModelIds } from "./logged-model-search.js";
import type { CreateLoggedModelInput, LoggedModelSearchQuery, LoggedModelStore } from "./logged-model-store.js";
import { loggedModelNotFound, requireLoggedModels, writeRunModelLinks } from "./model-links.js";

const NAME_FORBIDDEN = ["/", ":", ".", "%", '"', "'"];
const NAME_MAX = 500;

/** MLflow's logged-model semantics over SQL, on top of the experiment store. */
export class SqlLoggedModelStore extends SqlExperimentStore implements LoggedModelStore {
  async createLoggedModel(input: CreateLoggedModelInput): Promise<LoggedModel> {
    validateName(input.name);
    const params = uniqueParams(input.params ?? []);
    for (const t of input.tags ?? []) {
      validateKey("tag", t.key);
      validateTagValue(t);
    }
    const exp = await this.getExperiment(input.experimentId);
    if (exp.lifecycle_stage !== "active") {
      throw invalidParam(
        `The experiment ${exp.experiment_id} must be in the 'active' state. Current state is ${exp.lifecycle_stage}.`,
      );
    }
    if (input.sourceRunId) {
      const run = await this.db.get("SELECT 1 AS one FROM runs WHERE run_uuid = ?", [input.sourceRunId]);
      if (!run) throw notFound(`Run with id=${input.sourceRunId} not found (source_run_id).`);
    }
    const modelId = `m-${newRunId()}`;
    const now = this.clock.now();
    const location = `${exp.artifact_location.replace(/\/+$/, "")}/models/${modelId}/artifacts`;
    await this.db.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp,
           last_updated_timestamp, status, lifecycle_stage, model_type, source_run_id, status_message)
         VALUES (?, ?, ?, ?, ?, ?, 'LOGGED_MODEL_PENDING', 'active', ?, ?, NULL)`,
        [
          modelId,
          Number(exp.experiment_id),
          input.name || randomRunName(),
          location,
          now,
          now,
          input.modelType || null,
          input.sourceRunId || null,
        ],
      );
      await tx.insertMany("logged_model_params", ["model_id", "key", "value"], toRows(modelId, params));
      await upsertTags(tx, modelId, input.tags ?? []);
    });
    return this.getLoggedModel(modelId);
  }

  async finalizeLoggedModel(modelId: string, status: FinalLoggedModelStatus): Promise<LoggedModel> {
    if (!FINAL_LOGGED_MODEL_STATUSES.includes(status)) {
      throw invalidParam(
        `Invalid value '${status}' for parameter 'status': expected one of ${FINAL_LOGGED_MODEL_STATUSES.join(", ")}.`,
      );
    }
    const n = await this.db.run(
      "UPDATE logged_models SET status = ?, last_updated_timestamp = ? WHERE model_id = ? AND lifecycle_stage = 'active'",
      [status, this.clock.now(), modelId],
    );
    if (n === 0) throw loggedModelNotFound(modelId);
    return this.getLoggedModel(modelId);
  }

  async getLoggedModel(modelId: string): Promise<LoggedModel> {
    const row = await this.db.get<Pick<LoggedModelRow, "lifecycle_stage">>(
      "SELECT lifecycle_stage FROM logged_models WHERE model_id = ?",
      [modelId],
    );
    const [model] = row?.lifecycle_stage === "active" ? await loadLoggedModels(this.db, [modelId]) : [];
    if (!model) throw loggedModelNotFound(modelId);
    return model;
  }

  async deleteLoggedModel(modelId: string): Promise<void> {
    const n = await this.db.run(
      "UPDATE logged_models SET lifecycle_stage = 'deleted', last_updated_timestamp = ? WHERE model_id = ? AND lifecycle_stage = 'active'",
      [this.clock.now(), modelId],
    );
    if (n === 0) throw loggedModelNotFound(modelId);
  }

  async setLoggedModelTags(modelId: string, tags: KeyValue[]): Promise<LoggedModel> {
    for (const t of tags) {
      validateKey("tag", t.key);
      validateTagValue(t);
    }
    await this.db.transaction(async (tx) => {
      await requireLoggedModels(tx, [modelId]);
      await upsertTags(tx, modelId, tags);
    });
    return this.getLoggedModel(modelId);
  }

  async deleteLoggedModelTag(modelId: string, key: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await requireLoggedModels(tx, [modelId]);
      const n = await tx.run("DELETE FROM logged_model_tags WHERE model_id = ? AND key = ?", [modelId, key]);
      if (n === 0) throw notFound(`No tag with key '${key}' found for logged model with ID '${modelId}'.`);
    });
  }

  async logLoggedModelParams(modelId: string, params: KeyValue[]): Promise<void> {
    const unique = uniqueParams(params);
    await this.db.transaction(async (tx) => {
      await requireLoggedModels(tx, [modelId]);
      if (unique.length === 0) return;
      const existing = await tx.all<KeyValue>("SELECT key, value FROM logged_model_params WHERE model_id = ?", [
        modelId,
      ]);
      const have = new Map(existing.map((p) => [p.key, p.value]));
      const fresh = unique.filter((p) => {
        const old = have.get(p.key);
        if (old !== undefined && old !== p.value) {
          throw invalidParam(
            `Changing param values is not allowed. Param with key='${p.key}' was already logged with value='${old}' for logged model ID='${modelId}'. Attempted logging new value '${p.value}'.`,
          );
        }
        return old === undefined;
      });
      await tx.insertMany("logged_model_params", ["model_id", "key", "value"], toRows(modelId, fresh));
    });
  }

  async searchLoggedModels(query: LoggedModelSearchQuery): Promise<Page<LoggedModel>> {
    const page = await searchLoggedModelIds(this.db, query);
    return { items: await loadLoggedModels(this.db, page.items), nextPageToken: page.nextPageToken };
  }

  async logOutputs(runId: string, models: { modelId: string; step: number }[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await activeRunOnly(tx, runId);
      await requireLoggedModels(
        tx,
        models.map((m) => m.modelId),
      );
      await writeRunModelLinks(tx, runId, "output", models);
    });
  }

  async logModelInputs(runId: string, modelIds: string[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await activeRunOnly(tx, runId);
      const links = modelIds.map((modelId) => ({ modelId, step: 0 }));
      await writeRunModelLinks(tx, runId, "input", links);
    });
  }
}

function validateName(name: string | undefined): void {
  if (name === undefined || name === "") return;
  if (name.length > NAME_MAX || NAME_FORBIDDEN.some((c) => name.includes(c))) {
    throw invalidParam(
      `Invalid logged model name '${name.slice(0, 80)}': expected at most ${NAME_MAX} characters and none of ${NAME_FORBIDDEN.join(" ")}.`,
    );
  }
}

/** Validated params with duplicate keys folded (the same value twice is fine, two values are not). */
function uniqueParams(params: readonly KeyValue[]): KeyValue[] {
  const seen = new Map<string, string>();
  for (const p of params) {
    validateKey("param", p.key);
    validateParamValue(p);
    const old = seen.get(p.key);
    if (old !== undefined && old !== p.value)
      throw invalidParam(`Duplicate param key '${p.key}' with two values ('${old}' and '${p.value}').`);
    seen.set(p.key, p.value);
  }
  return [...seen].map(([key, value]) => ({ key, value }));
}

function toRows(modelId: string, kvs: readonly KeyValue[]): SqlValue[][] {
  return kvs.map((p) => [modelId, p.key, p.value]);
}

/** Upsert tags, last write wins (also within one request). */
async function upsertTags(tx: Queryable, modelId: string, tags: readonly KeyValue[]): Promise<void> {
  const last = new Map(tags.map((t) => [t.key, t.value]));
  await tx.insertMany(
    "logged_model_tags",
    ["model_id", "key", "value"],
    [...last].map(([k, v]) => [modelId, k, v]),
    "ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value",
  );
}

async function activeRunOnly(tx: Queryable, runId: string): Promise<void> {
  const row = await tx.get<{ lifecycle_stage: string }>("SELECT lifecycle_stage FROM runs WHERE run_uuid = ?", [runId]);
  if (!row) throw notFound(`Run with id=${runId} not found`);
  if (row.lifecycle_stage !== "active") {
    throw invalidParam(`The run ${runId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`);
  }
}
