/** Whether the metadata database answers, within a short time, with the schema this process needs (for `/health/ready`). */
import type { Database } from "./database.js";

/** One readiness check's outcome. */
export interface ReadinessCheck {
  ok: boolean;
  detail: string;
}

/**
 * Count the applied migrations within `timeoutMs`. A slow or failing database is not ready, and
 * neither is one with fewer migrations than `migrations` (a fresh or restored database after a
 * failover: this process migrated another one at start).
 */
export async function databaseReadiness(
  db: Database,
  options: { timeoutMs?: number; migrations?: number } = {},
): Promise<ReadinessCheck> {
  const timeoutMs = options.timeoutMs ?? 1000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ReadinessCheck>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
    timer.unref();
  });
  const ping = db.get<{ n: number | string }>("SELECT COUNT(*) AS n FROM schema_migrations").then(
    (row) => schemaCheck(Number(row?.n ?? 0), options.migrations),
    (e: unknown) => ({ ok: false, detail: `unreachable: ${(e as Error).message}` }),
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function schemaCheck(applied: number, expected: number | undefined): ReadinessCheck {
  if (expected !== undefined && applied < expected) {
    return { ok: false, detail: `reachable, but ${applied} of ${expected} migrations are applied` };
  }
  return { ok: true, detail: "reachable" };
}
