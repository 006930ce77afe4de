/**
 * Which PostgreSQL failures mean "the database is not reachable right now" (a restart, a failover, a
 * killed backend, a timeout) rather than "this statement is wrong". Those become 503
 * TEMPORARILY_UNAVAILABLE, so clients retry later instead of seeing a 500 or a dropped socket.
 */
import { MwError } from "../../errors.js";

// SQLSTATE classes and codes: 08 connection exception, 57P01-57P03 admin shutdown / crash shutdown /
// cannot connect now, 57014 query_canceled (statement_timeout), 53300 too_many_connections.
const UNAVAILABLE_CODES = new Set(["57P01", "57P02", "57P03", "57014", "53300", "55P03"]);
const NODE_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND"]);
const MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed|Query read timeout|the database system is (starting up|shutting down|in recovery mode)|is not currently accepting connections|terminating connection/i;

/** True when `err` says the database could not be reached or gave up on the statement in time. */
export function isUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === "string" ? e.code : "";
  if (code.startsWith("08") || UNAVAILABLE_CODES.has(code) || NODE_CODES.has(code)) return true;
  return typeof e?.message === "string" && MESSAGES.test(e.message);
}

/** `err` as the platform's 503 when the database is unavailable; otherwise unchanged. */
export function asUnavailable(err: unknown): unknown {
  if (err instanceof MwError || !isUnavailable(err)) return err;
  const why = (err as { message?: string }).message ?? String(err);
  return new MwError("TEMPORARILY_UNAVAILABLE", `The metadata database is unavailable: ${why}. Try again shortly.`, {
    cause: err,
  });
}

const NEVER_SENT_CODES = new Set(["ECONNREFUSED", "57P03", "53300"]);
const NEVER_SENT =
  /timeout exceeded when trying to connect|is not currently accepting connections|the database system is starting up/i;

/**
 * True when running the statement again cannot do anything twice: the first try never reached the
 * server (connection refused), or the statement only reads and its connection dropped. A statement
 * that timed out is not retried (it would wait as long again).
 */
export function safeToRetry(err: unknown, sql: string): boolean {
  const e = (err instanceof MwError ? err.cause : err) as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === "string" ? e.code : "";
  const message = typeof e?.message === "string" ? e.message : "";
  if (code === "57014" || /Query read timeout/i.test(message)) return false;
  if (NEVER_SENT_CODES.has(code) || NEVER_SENT.test(message)) return true;
  return /^\s*SELECT\b/i.test(sql) && isUnavailable(e);
}
