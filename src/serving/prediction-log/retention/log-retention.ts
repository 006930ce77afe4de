/**
 * Prediction-log retention: each deployment's rows (and feedback) older than its --log-retention
 * are deleted in small batches. With --archive-log, every closed day is exported to the artifact
 * store first, and nothing is deleted past the oldest day not yet archived. On PostgreSQL, whole
 * day partitions go at once when every deployment's rows in them are due; the rest is deleted in
 * batches like SQLite. A log of a deployment since deleted keeps the default retention. A
 * deployment whose archive or delete fails is reported and retried next pass; the others go on.
 */
import type { Clock } from "../../../core/clock.js";
import type { Database, Queryable } from "../../../core/db/database.js";
import { DEFAULT_LOG_RETENTION_MS } from "../../deployments/deployment.js";
import { DAY_MS, dayOf, dropDay, partitionDays } from "../sql/day-partitions.js";
import { archivePath } from "./archive-day.js";
import { deleteBatch, TIME_KEYED } from "./batch-delete.js";

/** One archived day. */
export interface ArchivedDay {
  path: string;
  rows: number;
  bytes: number;
}

/** Writes one closed day of a deployment's log to the artifact store. */
export type ArchiveDay = (deployment: string, day: number) => Promise<ArchivedDay>;

/** Data kept per deployment from its log (the monitor window buckets): trimmed with the log. */
export interface RetentionFollower {
  /** What it is, for failure messages. */
  readonly name: string;
  /** Delete what `deployment` keeps wholly about rows before `until`; how much went. */
  trim(deployment: string, until: number): Promise<number>;
  /** Delete what is kept for deployments without a log (none of `logged`); how much went. */
  trimOthers(logged: readonly string[]): Promise<number>;
}

export interface LogRetentionDeps {
  /** The platform's connection: settings, archives, plans. */
  db: Database;
  /** Where deletes run (SQLite: the log writer's connection, between its inserts); default `db`. */
  upkeep?: Queryable;
  clock: Clock;
  /** Set to archive deployments with archive_log on (without it their rows are kept). */
  archive?: ArchiveDay;
  /** Rows per delete statement (default 2,000). */
  batchRows?: number;
  /** Waited between batches, so inserts and other work run between them (default 2 ms). */
  pause?: () => Promise<void>;
  /** Trimmed to each deployment's bound after its rows. */
  followers?: readonly RetentionFollower[];
}

/** A step of a pass that failed (retried next pass). */
export interface RetentionFailure {
  /** The deployment whose log it was (none for dropping a day partition of all of them). */
  deployment?: string;
  /** The day being archived or dropped. */
  day?: number;
  /** The archive being written. */
  path?: string;
  /** What failed and why, naming the deployment, day and archive. */
  message: string;
}

/** What a pass did. */
export interface RetentionPass {
  deleted: number;
  archived: { deployment: string; day: number; path: string }[];
  droppedDays: number[];
  failed: RetentionFailure[];
}

interface Policy {
  id: number;
  name: string;
  /** Rows before this time may go. */
  until: number;
}

type Num = number | string;

/** Enforces the log's retention; one {@link runOnce} at a time. */
export class LogRetention {
  private running: Promise<RetentionPass> | undefined;

  constructor(private readonly deps: LogRetentionDeps) {}

  /** One pass over every deployment with a log (a pass already running is joined). */
  runOnce(): Promise<RetentionPass> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<RetentionPass> {
    const out: RetentionPass = { deleted: 0, archived: [], droppedDays: [], failed: [] };
    const policies: Policy[] = [];
    const settings = await this.settings();
    // One deployment's failure (its archive store refuses, a statement times out) stops only its own steps.
    for (const d of settings) {
      try {
        policies.push(await this.policy(d, out));
      } catch (e) {
        out.failed.push({ deployment: d.name, message: `the retention of ${d.name}'s log failed: ${messageOf(e)}` });
      }
    }
    if (this.deps.db.dialect.name === "postgres") out.droppedDays = await this.dropDays(policies, out);
    for (const p of policies) {
      try {
        out.deleted += await this.deleteOld(p);
      } catch (e) {
        const until = new Date(p.until).toISOString();
        out.failed.push({
          deployment: p.name,
          message: `deleting the prediction log of ${p.name} before ${until} failed: ${messageOf(e)}`,
        });
      }
      await this.trimFollowers(p, out);
    }
    await this.trimOthers(
      settings.map((d) => d.name),
      out,
    );
    return out;
  }

  private settings() {
    return this.deps.db.all<{ id: Num; name: string; retention: Num | null; archive: Num | null }>(
      `SELECT l.id, l.name, s.log_retention_ms AS retention, s.archive_log AS archive
       FROM log_deployments l LEFT JOIN deployments s ON s.name = l.name ORDER BY l.id`,
    );
  }

  /** The deployment's deletion bound, archiving its closed days first when it archives. */
  private async policy(
    d: { id: Num; name: string; retention: Num | null; archive: Num | null },
    out: RetentionPass,
  ): Promise<Policy> {
    const id = Number(d.id);
    const now = this.deps.clock.now();
    let until = now - Number(d.retention ?? DEFAULT_LOG_RETENTION_MS);
    if (Number(d.archive ?? 0) === 1) until = Math.min(until, await this.archiveClosedDays(id, d.name, now, out));
    return { id, name: d.name, until };
  }

  /** Archive the closed days not yet archived; the start of the oldest day still unarchived. */
  private async archiveClosedDays(id: number, name: string, now: number, out: RetentionPass): Promise<number> {
    const { db, archive } = this.deps;
    const oldest = await db.get<{ t: Num | null }>(
      "SELECT MIN(time) AS t FROM log_predictions WHERE deployment_id = ?",
      [id],
    );
    if (oldest?.t === null || oldest?.t === undefined) return dayOf(now);
    const done = new Set(
      (await db.all<{ day: Num }>("SELECT day FROM log_archives WHERE deployment_id = ?", [id])).map((r) =>
        Number(r.day),
      ),
    );
    for (let day = dayOf(Number(oldest.t)); day + DAY_MS <= now; day += DAY_MS) {
      if (done.has(day)) continue;
      const any = await db.get(
        "SELECT 1 AS x FROM log_predictions WHERE deployment_id = ? AND time >= ? AND time < ? LIMIT 1",
        [id, day, day + DAY_MS],
      );
      if (!any) continue;
      if (!archive) return day;
      let a: ArchivedDay;
      try {
        a = await archive(name, day);
      } catch (e) {
        // Nothing from this day on is deleted; the next pass tries it again.
        out.failed.push({ deployment: name, day, path: archivePath(name, day), message: messageOf(e) });
        return day;
      }
      await db.run(
        "INSERT INTO log_archives (deployment_id, day, path, rows_count, bytes, created_time) VALUES (?, ?, ?, ?, ?, ?)",
        [id, day, a.path, a.rows, a.bytes, this.deps.clock.now()],
      );
      out.archived.push({ deployment: name, day, path: a.path });
    }
    return dayOf(now);
  }

  /** Drop the day partitions every deployment is done with (PostgreSQL). */
  private async dropDays(policies: readonly Policy[], out: RetentionPass): Promise<number[]> {
    const { db } = this.deps;
    // Never today's or later partitions (writers create them ahead and remember them).
    const bound = Math.min(dayOf(this.deps.clock.now()), ...policies.map((p) => p.until));
    const dropped: number[] = [];
    for (const day of await partitionDays(db, "log_predictions")) {
      if (day + DAY_MS > bound) break;
      try {
        await dropDay(db, day);
      } catch (e) {
        const iso = new Date(day).toISOString().slice(0, 10);
        out.failed.push({ day, message: `dropping the prediction log's partition of ${iso} failed: ${messageOf(e)}` });
        break;
      }
      dropped.push(day);
    }
    return dropped;
  }

  private async trimFollowers(p: Policy, out: RetentionPass): Promise<void> {
    for (const f of this.deps.followers ?? []) {
      try {
        await f.trim(p.name, p.until);
      } catch (e) {
        const until = new Date(p.until).toISOString();
        out.failed.push({
          deployment: p.name,
          message: `deleting the ${f.name} of ${p.name} before ${until} failed: ${messageOf(e)}`,
        });
      }
    }
  }

  private async trimOthers(logged: readonly string[], out: RetentionPass): Promise<void> {
    for (const f of this.deps.followers ?? []) {
      try {
        await f.trimOthers(logged);
      } catch (e) {
        out.failed.push({ message: `deleting the ${f.name} of deployments without a log failed: ${messageOf(e)}` });
      }
    }
  }

  private async deleteOld(p: Policy): Promise<number> {
    const q = this.deps.upkeep ?? this.deps.db;
    const batch = this.deps.batchRows ?? 2_000;
    const pause = this.deps.pause ?? (() => new Promise<void>((r) => setTimeout(r, 2)));
    let deleted = 0;
    for (const t of TIME_KEYED) {
      for (;;) {
        const n = await deleteBatch(q, t, p.id, p.until, batch);
        if (t.table === "log_predictions") deleted += n;
        if (n < batch) break;
        await pause();
      }
    }
    return deleted;
  }
}

function messageOf(e: unknown): string {
  return (e as Error)?.message || String(e);
}
