/** The SQL {@link AuditLog}. Needs the "auth" migrations applied (version 2). */
import type { Database, SqlValue } from "../../core/db/database.js";
import type { AuditLog, AuditQuery, AuditRecord } from "../audit-log.js";

interface Row {
  id: string;
  time: number | string;
  actor: string;
  action: string;
  target_type: string;
  target: string;
  status: number | string;
  address: string | null;
  request_json: string | null;
  before_json: string | null;
  after_json: string | null;
}

const COLUMNS = "id, time, actor, action, target_type, target, status, address, request_json, before_json, after_json";

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));
const parsed = (s: string | null): unknown => (s === null ? undefined : JSON.parse(s));

export class SqlAuditLog implements AuditLog {
  constructor(private readonly db: Database) {}

  async append(r: AuditRecord): Promise<void> {
    await this.db.run(`INSERT INTO audit_log (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      r.id,
      r.time,
      r.actor,
      r.action,
      r.targetType,
      r.target,
      r.status,
      r.address ?? null,
      json(r.request),
      json(r.before),
      json(r.after),
    ]);
  }

  async list(q: AuditQuery): Promise<AuditRecord[]> {
    const where: string[] = [];
    const args: SqlValue[] = [];
    const add = (sql: string, v: SqlValue | undefined) => {
      if (v === undefined) return;
      where.push(sql);
      args.push(v);
    };
    add("time >= ?", q.sinceTime);
    add("actor = ?", q.actor);
    add("target_type = ?", q.targetType);
    add("target = ?", q.target);
    args.push(Math.min(Math.max(q.limit ?? 100, 1), 10_000));
    const rows = await this.db.all<Row>(
      `SELECT ${COLUMNS} FROM audit_log${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY time DESC, id DESC LIMIT ?`,
      args,
    );
    return rows.map((r) => ({
      id: r.id,
      time: Number(r.time),
      actor: r.actor,
      action: r.action,
      targetType: r.target_type,
      target: r.target,
      status: Number(r.status),
      ...(r.address !== null ? { address: r.address } : {}),
      ...(r.request_json !== null ? { request: parsed(r.request_json) } : {}),
      ...(r.before_json !== null ? { before: parsed(r.before_json) } : {}),
      ...(r.after_json !== null ? { after: parsed(r.after_json) } : {}),
    }));
  }
}
