/** Deployments and their events over SQL (SQLite or PostgreSQL through the portable {@link Database}). */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../../core/clock.js";
import type { Database, Queryable, SqlValue } from "../../../core/db/database.js";
import { invalidParam, MwError, notFound } from "../../../core/errors.js";
import type { Deployment, DeploymentEvent, DeploymentPatch, DeploymentStatus, NewDeployment } from "../deployment.js";
import { DEFAULT_LOG_RETENTION_MS, isValidDeploymentName } from "../deployment.js";
import type { DeploymentStore } from "../deployment-store.js";
import type { ServingReport } from "../serving-report.js";
import type { DeploymentRow, EventRow } from "./deployment-rows.js";
import { DEPLOYMENT_COLUMNS, EVENT_COLUMNS, patchColumns, toDeployment, toEvent } from "./deployment-rows.js";
import { selectReports, upsertReports } from "./serving-report-rows.js";

const PLACEHOLDERS = DEPLOYMENT_COLUMNS.split(",")
  .map(() => "?")
  .join(", ");

/** The SQL {@link DeploymentStore}. Needs the "serving" migrations applied. */
export class SqlDeploymentStore implements DeploymentStore {
  private readonly clock: Clock;

  constructor(
    private readonly db: Database,
    options: { clock: Clock },
  ) {
    this.clock = options.clock;
  }

  async create(input: NewDeployment): Promise<Deployment> {
    if (!isValidDeploymentName(input.name)) throw invalidParam(`Invalid deployment name '${input.name}'.`);
    const now = this.clock.now();
    const d: Deployment = {
      name: input.name,
      primary: input.primary,
      ...(input.primaryVersion !== undefined ? { primaryVersion: input.primaryVersion } : {}),
      onAliasChange: input.onAliasChange ?? "rollout",
      ...(input.rollout !== undefined ? { rollout: input.rollout } : {}),
      ...(input.features !== undefined ? { features: input.features } : {}),
      ...(input.candidate !== undefined ? { candidate: input.candidate } : {}),
      candidateWeight: input.candidateWeight ?? 0,
      shadow: input.shadow ?? false,
      ...(input.routingKey ? { routingKey: { ...input.routingKey } } : {}),
      logSampling: input.logSampling ?? 1,
      logRetentionMs: input.logRetentionMs ?? DEFAULT_LOG_RETENTION_MS,
      archiveLog: input.archiveLog ?? false,
      status: "active",
      generation: 1,
      ...(input.description !== undefined ? { description: input.description } : {}),
      createdTime: now,
      updatedTime: now,
    };
    try {
      await this.db.run(`INSERT INTO deployments (${DEPLOYMENT_COLUMNS}) VALUES (${PLACEHOLDERS})`, rowValues(d));
    } catch (e) {
      if (this.db.dialect.isUniqueViolation(e))
        throw new MwError("RESOURCE_ALREADY_EXISTS", `Deployment '${input.name}' already exists.`);
      throw e;
    }
    return d;
  }

  async get(name: string): Promise<Deployment> {
    const row = await readDeployment(this.db, name);
    if (!row) throw missing(name);
    return toDeployment(row);
  }

  async list(filter: { status?: DeploymentStatus } = {}): Promise<Deployment[]> {
    const rows = filter.status
      ? await this.db.all<DeploymentRow>(
          `SELECT ${DEPLOYMENT_COLUMNS} FROM deployments WHERE status = ? ORDER BY name`,
          [filter.status],
        )
      : await this.db.all<DeploymentRow>(`SELECT ${DEPLOYMENT_COLUMNS} FROM deployments ORDER BY name`);
    return rows.map(toDeployment);
  }

  async update(
    name: string,
    patch: DeploymentPatch,
    options: { expectedGeneration?: number } = {},
  ): Promise<Deployment> {
    const { sets, values } = patchColumns(patch);
    const expected = options.expectedGeneration;
    // One conditional UPDATE: the generation check and the write are atomic on both engines.
    const sql = `UPDATE deployments SET ${[...sets, "generation = generation + 1", "updated_time = ?"].join(", ")}
      WHERE name = ?${expected === undefined ? "" : " AND generation = ?"}`;
    const params: SqlValue[] = [...values, this.clock.now(), name, ...(expected === undefined ? [] : [expected])];
    return this.db.transaction(async (tx) => {
      const changed = await tx.run(sql, params);
      const row = await readDeployment(tx, name);
      if (!row) throw missing(name);
      if (changed === 0) {
        throw new MwError(
          "RESOURCE_CONFLICT",
          `Deployment '${name}' is at generation ${row.generation}, not the expected ${expected}; read it again and retry.`,
        );
      }
      return toDeployment(row);
    });
  }

  async delete(name: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const n = await tx.run("DELETE FROM deployments WHERE name = ?", [name]);
      if (n === 0) throw missing(name);
      await tx.run("DELETE FROM deployment_events WHERE deployment = ?", [name]);
      await tx.run("DELETE FROM serving_reports WHERE deployment = ?", [name]);
    });
  }

  async addEvent(event: Omit<DeploymentEvent, "id">): Promise<DeploymentEvent> {
    const stored: DeploymentEvent = { id: randomUUID().replaceAll("-", ""), ...event };
    const dataJson = event.data === undefined ? null : JSON.stringify(event.data);
    await this.db.transaction(async (tx) => {
      // seq orders events of one deployment that share a millisecond.
      const max = await tx.get<{ s: number | string | null }>(
        "SELECT MAX(seq) AS s FROM deployment_events WHERE deployment = ?",
        [event.deployment],
      );
      await tx.run(`INSERT INTO deployment_events (${EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`, [
        stored.id,
        event.deployment,
        event.time,
        Number(max?.s ?? 0) + 1,
        event.type,
        event.message,
        dataJson,
      ]);
    });
    return stored;
  }

  async listEvents(name: string, options: { limit?: number; sinceTime?: number } = {}): Promise<DeploymentEvent[]> {
    const params: SqlValue[] = [name];
    let sql = `SELECT ${EVENT_COLUMNS} FROM deployment_events WHERE deployment = ?`;
    if (options.sinceTime !== undefined) {
      sql += " AND time >= ?";
      params.push(options.sinceTime);
    }
    sql += " ORDER BY time DESC, seq DESC";
    if (options.limit !== undefined) {
      sql += " LIMIT ?";
      params.push(Math.max(0, Math.floor(options.limit)));
    }
    return (await this.db.all<EventRow>(sql, params)).map(toEvent);
  }

  async reportServing(reports: readonly ServingReport[]): Promise<void> {
    if (reports.length === 0) return;
    await this.db.transaction((tx) => upsertReports(tx, reports));
  }

  listServing(deployment: string): Promise<ServingReport[]> {
    return selectReports(this.db, deployment);
  }

  async forgetServing(which: { instance: string; deployment?: string } | { seenBefore: number }): Promise<void> {
    if (!("instance" in which)) {
      await this.db.run("DELETE FROM serving_reports WHERE seen_time < ?", [which.seenBefore]);
    } else if (which.deployment === undefined) {
      await this.db.run("DELETE FROM serving_reports WHERE instance = ?", [which.instance]);
    } else {
      await this.db.run("DELETE FROM serving_reports WHERE instance = ? AND deployment = ?", [
        which.instance,
        which.deployment,
      ]);
    }
  }
}

function missing(name: string): MwError {
  return notFound(`Deployment '${name}' does not exist.`);
}

function readDeployment(q: Queryable, name: string): Promise<DeploymentRow | undefined> {
  return q.get<DeploymentRow>(`SELECT ${DEPLOYMENT_COLUMNS} FROM deployments WHERE name = ?`, [name]);
}

/** Column values in {@link DEPLOYMENT_COLUMNS} order. */
function rowValues(d: Deployment): SqlValue[] {
  return [
    d.name,
    d.primary,
    d.candidate ?? null,
    d.candidateWeight,
    d.shadow ? 1 : 0,
    d.routingKey?.source ?? null,
    d.routingKey?.name ?? null,
    d.logSampling,
    d.logRetentionMs,
    d.archiveLog ? 1 : 0,
    d.status,
    d.generation,
    d.description ?? null,
    d.createdTime,
    d.updatedTime,
    d.onAliasChange,
    d.primaryVersion ?? null,
    d.rollout === undefined ? null : JSON.stringify(d.rollout),
    d.features === undefined ? null : JSON.stringify(d.features),
  ];
}
