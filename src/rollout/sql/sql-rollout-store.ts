/** Rollouts over SQL (SQLite or PostgreSQL through the portable {@link Database}). */
import type { Database } from "../../core/db/database.js";
import { MwError, notFound } from "../../core/errors.js";
import type { Rollout } from "../rollout.js";
import type { RolloutStore } from "../rollout-store.js";
import type { RolloutRow } from "./rollout-rows.js";
import { ROLLOUT_COLUMNS, rolloutValues, toRollout } from "./rollout-rows.js";

const PLACEHOLDERS = ROLLOUT_COLUMNS.split(",")
  .map(() => "?")
  .join(", ");

// Everything but the id, deployment and creation time may change.
const MUTABLE = [
  "spec_json",
  "phase",
  "step_index",
  "weight",
  "failed_checks",
  "analyses",
  "primary_ref",
  "updated_time",
  "step_started_time",
  "last_analysis_time",
  "finished_time",
  "reason",
  "promotion_json",
  "settled",
] as const;

/** The SQL {@link RolloutStore}. Needs the "rollout" migrations applied. */
export class SqlRolloutStore implements RolloutStore {
  constructor(private readonly db: Database) {}

  async create(rollout: Rollout): Promise<Rollout> {
    try {
      await this.db.run(`INSERT INTO rollouts (${ROLLOUT_COLUMNS}) VALUES (${PLACEHOLDERS})`, rolloutValues(rollout));
    } catch (e) {
      if (!this.db.dialect.isUniqueViolation(e)) throw e;
      const active = (await this.list(rollout.deployment, { limit: 1 }))[0];
      throw new MwError(
        "RESOURCE_ALREADY_EXISTS",
        `Deployment '${rollout.deployment}' already has an active rollout${active ? ` (${active.id}, ${active.phase})` : ""}; abort it first.`,
      );
    }
    return rollout;
  }

  async get(id: string): Promise<Rollout> {
    const row = await this.db.get<RolloutRow>(`SELECT ${ROLLOUT_COLUMNS} FROM rollouts WHERE id = ?`, [id]);
    if (!row) throw notFound(`Rollout '${id}' does not exist.`);
    return toRollout(row);
  }

  async list(deployment: string, options: { limit?: number } = {}): Promise<Rollout[]> {
    const limit = Math.max(1, Math.floor(options.limit ?? 100));
    const rows = await this.db.all<RolloutRow>(
      `SELECT ${ROLLOUT_COLUMNS} FROM rollouts WHERE deployment = ? ORDER BY created_time DESC, id DESC LIMIT ?`,
      [deployment, limit],
    );
    return rows.map(toRollout);
  }

  async listOpen(): Promise<Rollout[]> {
    const rows = await this.db.all<RolloutRow>(
      `SELECT ${ROLLOUT_COLUMNS} FROM rollouts WHERE finished_time IS NULL OR settled = 0 ORDER BY created_time`,
    );
    return rows.map(toRollout);
  }

  async update(rollout: Rollout): Promise<Rollout> {
    const next: Rollout = { ...rollout, generation: rollout.generation + 1 };
    const values = rolloutValues(next);
    const columns = ROLLOUT_COLUMNS.split(",").map((c) => c.trim());
    const sets = MUTABLE.map((c) => `${c} = ?`);
    const params = [
      ...MUTABLE.map((c) => values[columns.indexOf(c)] ?? null),
      next.generation,
      next.id,
      rollout.generation,
    ];
    const changed = await this.db.run(
      `UPDATE rollouts SET ${sets.join(", ")}, generation = ? WHERE id = ? AND generation = ?`,
      params,
    );
    if (changed === 0) {
      const current = await this.get(rollout.id);
      throw new MwError(
        "RESOURCE_CONFLICT",
        `Rollout '${rollout.id}' is at generation ${current.generation}, not ${rollout.generation}; it changed meanwhile.`,
      );
    }
    return next;
  }
}
