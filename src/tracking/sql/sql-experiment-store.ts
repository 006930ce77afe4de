/** Experiments over SQL: create, read, search, rename, delete/restore, tags. */
import type { Experiment, KeyValue, ViewType } from "../../core/api/mlflow-entities.js";
import type { Clock } from "../../core/clock.js";
import type { Database } from "../../core/db/database.js";
import { INSERTION_ORDER, nextSeq } from "../../core/db/insertion-order.js";
import { invalidParam, MwError, notFound } from "../../core/errors.js";
import type { Page } from "../../core/page.js";
import { decodePageToken, encodePageToken } from "../../core/page-token.js";
import { buildExperimentSearchQuery } from "../search/experiment-search-sql.js";
import { EXPERIMENT_GRAMMAR, parseOrderBy, parseSearchFilter } from "../search/filter-parser.js";
import type { SearchQuery } from "../tracking-store.js";
import { LIMITS, validateExperimentName, validateKey, validateMaxResults, validateTagValue } from "../validation.js";
import type { ExperimentRow } from "./rows.js";
import { groupBy, placeholders, toExperiment } from "./rows.js";

/** The experiment half of the SQL tracking store. */
export class SqlExperimentStore {
  constructor(
    protected readonly db: Database,
    protected readonly clock: Clock,
    private readonly defaultArtifactRoot: string,
  ) {}

  /** Create the "Default" experiment (id 0) when missing. Called once after migrations. */
  async init(): Promise<void> {
    const now = this.clock.now();
    await this.db.run(
      `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
       VALUES (0, 'Default', ?, 'active', ?, ?) ON CONFLICT DO NOTHING`,
      [this.artifactLocationFor("0"), now, now],
    );
  }

  async createExperiment(input: { name: string; artifactLocation?: string; tags?: KeyValue[] }): Promise<string> {
    validateExperimentName(input.name);
    for (const t of input.tags ?? []) {
      validateKey("tag", t.key);
      validateTagValue(t);
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.insertExperiment(input);
      } catch (e) {
        if (!this.db.dialect.isUniqueViolation(e)) throw e;
        if (await this.getExperimentByName(input.name)) {
          throw new MwError("RESOURCE_ALREADY_EXISTS", `Experiment '${input.name}' already exists.`);
        }
        // Another writer took the same id: try the next one.
        if (attempt > 20) throw e;
      }
    }
  }

  private async insertExperiment(input: { name: string; artifactLocation?: string; tags?: KeyValue[] }) {
    return this.db.transaction(async (tx) => {
      const row = await tx.get<{ id: number | null }>("SELECT MAX(experiment_id) AS id FROM experiments");
      const id = String(Number(row?.id ?? 0) + 1);
      const now = this.clock.now();
      await tx.run(
        `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
         VALUES (?, ?, ?, 'active', ?, ?)`,
        [Number(id), input.name, input.artifactLocation || this.artifactLocationFor(id), now, now],
      );
      const last = new Map((input.tags ?? []).map((t) => [t.key, t.value]));
      await tx.insertMany(
        "experiment_tags",
        ["experiment_id", "key", "value", "seq"],
        [...last].map(([k, v], i) => [Number(id), k, v, i + 1]),
      );
      return id;
    });
  }

  private artifactLocationFor(id: string): string {
    return `${this.defaultArtifactRoot.replace(/\/+$/, "")}/${id}`;
  }

  async getExperiment(experimentId: string): Promise<Experiment> {
    const id = parseExperimentId(experimentId);
    const [e] = await this.loadExperiments([id]);
    if (!e) throw notFound(`No Experiment with id=${experimentId} exists`);
    return e;
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    const row = await this.db.get<{ experiment_id: number }>("SELECT experiment_id FROM experiments WHERE name = ?", [
      name,
    ]);
    if (!row) return undefined;
    return (await this.loadExperiments([Number(row.experiment_id)]))[0];
  }

  async searchExperiments(query: SearchQuery & { viewType?: ViewType }): Promise<Page<Experiment>> {
    const limit = query.maxResults ?? 1000;
    validateMaxResults(limit, LIMITS.experimentSearchMaxResults);
    const offset = decodePageToken(query.pageToken);
    const { sql, params } = buildExperimentSearchQuery(this.db.dialect, {
      viewType: query.viewType ?? "ACTIVE_ONLY",
      clauses: parseSearchFilter(query.filter ?? "", EXPERIMENT_GRAMMAR),
      orderBy: parseOrderBy(query.orderBy ?? [], EXPERIMENT_GRAMMAR),
      limit: limit + 1,
      offset,
    });
    const ids = (await this.db.all<{ experiment_id: number }>(sql, params)).map((r) => Number(r.experiment_id));
    const more = ids.length > limit;
    const items = await this.loadExperiments(ids.slice(0, limit));
    return more ? { items, nextPageToken: encodePageToken(offset + limit) } : { items };
  }

  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    validateExperimentName(newName);
    const e = await this.getExperiment(experimentId);
    if (e.lifecycle_stage !== "active") throw invalidParam("Cannot rename a non-active experiment.");
    try {
      await this.db.run("UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?", [
        newName,
        this.clock.now(),
        Number(e.experiment_id),
      ]);
    } catch (err) {
      if (this.db.dialect.isUniqueViolation(err)) {
        throw new MwError("RESOURCE_ALREADY_EXISTS", `Experiment '${newName}' already exists.`);
      }
      throw err;
    }
  }

  async deleteExperiment(experimentId: string): Promise<void> {
    await this.setLifecycle(experimentId, "deleted");
  }

  async restoreExperiment(experimentId: string): Promise<void> {
    await this.setLifecycle(experimentId, "active");
  }

  private async setLifecycle(experimentId: string, stage: "active" | "deleted"): Promise<void> {
    const e = await this.getExperiment(experimentId);
    await this.db.transaction(async (tx) => {
      const now = this.clock.now();
      await tx.run("UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?", [
        stage,
        now,
        Number(e.experiment_id),
      ]);
      // Like MLflow: deleting an experiment deletes its runs; restoring restores them.
      await tx.run("UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?", [
        stage,
        stage === "deleted" ? now : null,
        Number(e.experiment_id),
      ]);
    });
  }

  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    validateKey("tag", key);
    validateTagValue({ key, value });
    const e = await this.getExperiment(experimentId);
    if (e.lifecycle_stage !== "active") {
      throw invalidParam(`The experiment ${experimentId} must be in the 'active' state. Current state is deleted.`);
    }
    const id = Number(e.experiment_id);
    await this.db.transaction(async (tx) => {
      const seq = await nextSeq(tx, "experiment_tags", "experiment_id = ?", [id]);
      await tx.run(
        "INSERT INTO experiment_tags (experiment_id, key, value, seq) VALUES (?, ?, ?, ?) ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value",
        [id, key, value, seq],
      );
    });
  }

  async deleteExperimentTag(experimentId: string, key: string): Promise<void> {
    const e = await this.getExperiment(experimentId);
    const n = await this.db.run("DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?", [
      Number(e.experiment_id),
      key,
    ]);
    if (n === 0) throw notFound(`No tag with name: ${key} in experiment with id ${experimentId}`);
  }

  protected async loadExperiments(ids: readonly number[]): Promise<Experiment[]> {
    if (ids.length === 0) return [];
    const ph = placeholders(ids.length);
    const [rows, tags] = await Promise.all([
      this.db.all<ExperimentRow>(`SELECT * FROM experiments WHERE experiment_id IN (${ph})`, ids),
      this.db.all<KeyValue & { experiment_id: number }>(
        `SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id IN (${ph}) ORDER BY ${INSERTION_ORDER}`,
        ids,
      ),
    ]);
    const byId = new Map(rows.map((r) => [Number(r.experiment_id), r]));
    const t = groupBy(tags, (r) => Number(r.experiment_id));
    return ids.flatMap((id) => {
      const r = byId.get(id);
      return r
        ? [
            toExperiment(
              r,
              (t.get(id) ?? []).map((x) => ({ key: x.key, value: x.value })),
            ),
          ]
        : [];
    });
  }
}

/** Experiment ids are decimal strings on the wire and integers in the table. */
export function parseExperimentId(id: string): number {
  if (!/^\d{1,15}$/.test(id)) throw notFound(`No Experiment with id=${id} exists`);
  return Number(id);
}
