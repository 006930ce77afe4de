/** Whether the metadata database answers, within a short time (for `/health/ready`). */
import type { Database } from "./database.js";

/** One readiness check's outcome. */
export interface ReadinessCheck {
  ok: boolean;
  detail: string;
}

/** `SELECT 1` within `timeoutMs`; a slow or failing database is not ready. */
export async function databaseReadiness(db: Database, timeoutMs = 1000): Promise<ReadinessCheck> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ReadinessCheck>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
    timer.unref();
  });
  const ping = db.get("SELECT 1 AS one").then(
    () => ({ ok: true, detail: "reachable" }),
    (e: unknown) => ({ ok: false, detail: `unreachable: ${(e as Error).message}` }),
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
