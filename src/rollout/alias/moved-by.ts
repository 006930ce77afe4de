/** Who moved an alias, read from the audit log of the registry's HTTP routes. */
import type { AuditLog } from "../../auth/audit-log.js";

// The audited registry changes of one model a move is looked for in (newest first).
const RECENT = 50;

/** A lookup for the alias watcher: the user of the latest successful `setRegisteredModelAlias` to `version`. */
export function aliasMovedBy(audit: Pick<AuditLog, "list">) {
  return async (model: string, alias: string, version: string): Promise<string | undefined> => {
    const records = await audit.list({ targetType: "registered_model", target: model, limit: RECENT });
    const move = records.find((r) => {
      const req = r.request as { alias?: unknown; version?: unknown } | undefined;
      return (
        r.action === "setRegisteredModelAlias" &&
        r.status < 300 &&
        req?.alias === alias &&
        String(req?.version) === version
      );
    });
    return move?.actor;
  };
}
