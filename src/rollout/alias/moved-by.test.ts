import assert from "node:assert/strict";
import { test } from "node:test";
import type { AuditRecord } from "../../auth/audit-log.js";
import { SqlAuditLog } from "../../auth/sql/sql-audit-log.js";
import { migrate } from "../../core/db/migrate.js";
import { openSqlite } from "../../core/db/sqlite/sqlite-database.js";
import { ALL_MIGRATIONS } from "../../server/open-platform.js";
import { aliasMovedBy } from "./moved-by.js";

test("who moved an alias: the latest successful setRegisteredModelAlias of that alias to that version", async () => {
  const db = openSqlite(":memory:");
  try {
    await migrate(db, ALL_MIGRATIONS);
    const audit = new SqlAuditLog(db);
    let time = 1000;
    const record = (actor: string, request: Record<string, unknown>, over: Partial<AuditRecord> = {}) =>
      audit.append({
        id: `${time}`,
        time: time++,
        actor,
        action: "setRegisteredModelAlias",
        targetType: "registered_model",
        target: "churn",
        status: 200,
        request,
        ...over,
      });
    await record("alice", { name: "churn", alias: "champion", version: "2" });
    await record("bob", { name: "churn", alias: "challenger", version: "2" });
    await record("mallory", { name: "churn", alias: "champion", version: "2" }, { status: 403 });
    await record("carol", { name: "churn", alias: "champion", version: "3" });
    const movedBy = aliasMovedBy(audit);
    assert.equal(await movedBy("churn", "champion", "2"), "alice");
    assert.equal(await movedBy("churn", "champion", "3"), "carol");
    assert.equal(await movedBy("churn", "challenger", "2"), "bob");
    assert.equal(await movedBy("churn", "champion", "4"), undefined, "a move made without the HTTP API");
    assert.equal(await movedBy("other", "champion", "2"), undefined);
  } finally {
    await db.close();
  }
});
