/** Who did what: one record per change (or refused attempt) to users, grants, the registry and the platform's resources. */

/** One audit record. `before`/`after` are the target's state around the change, when it has one. */
export interface AuditRecord {
  id: string;
  time: number;
  /** The user name, or `local` for the CLI on the embedded store. */
  actor: string;
  /** The route's name (e.g. `setRegisteredModelAlias`), or METHOD and path. */
  action: string;
  targetType: string;
  target: string;
  /** The HTTP status answered (403 for a refused attempt). */
  status: number;
  address?: string;
  /** The request's fields, with secrets masked. */
  request?: unknown;
  before?: unknown;
  after?: unknown;
}

/** Filters of an audit listing (newest first). */
export interface AuditQuery {
  limit?: number;
  sinceTime?: number;
  actor?: string;
  targetType?: string;
  target?: string;
}

export interface AuditLog {
  append(r: AuditRecord): Promise<void>;
  list(q: AuditQuery): Promise<AuditRecord[]>;
}

const SECRET_FIELDS = /pass(word)?|token|secret|authorization|api_?key|credential/i;

/** A copy of request fields with secret-looking values masked (nested objects too). */
export function maskSecrets(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [
      k,
      SECRET_FIELDS.test(k) && v !== undefined && v !== null ? "***" : maskSecrets(v, depth + 1),
    ]),
  );
}
