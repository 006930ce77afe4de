/**
 * The labelled-scores query reads key-only feedback through its own partial index: a bucket's
 * labels must not cost every later feedback row (request-id feedback is most of it). The
 * request-id branch walks the window's predictions first, also once ANALYZE has given the planner
 * statistics (it then preferred every feedback row of the deployment first).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Database } from "../../../core/db/database.js";
import { migrate } from "../../../core/db/migrate.js";
import { testBackends } from "../../../core/db/test-support/backends.js";
import { servingMigrations } from "../../migrations.js";
import { labeledScoresSql } from "./labeled-scores-sql.js";

const sqlite = testBackends().find((b) => b.name === "sqlite");
let db: Database;
let drop: () => Promise<void>;

before(async () => {
  if (!sqlite) return;
  ({ db, drop } = await sqlite.create());
  await migrate(db, servingMigrations);
});
after(() => drop?.());

test("SQLite plans the key branch on log_feedback_keyed_by_time, bounded and unbounded windows", {
  skip: sqlite ? false : "no SQLite backend",
}, async () => {
  for (const until of [true, false]) {
    const window = until ? [0, 60_000] : [0];
    const params = [1, ...window, 1, 0, ...window, 100];
    const plan = await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${labeledScoresSql(until)}`, params);
    const details = plan.map((r) => r.detail);
    assert.ok(
      details.some((d) => /log_feedback_keyed_by_time/.test(d)),
      `until=${until}: ${details.join(" | ")}`,
    );
  }
});

test("SQLite walks the window's predictions before their feedback, with and without ANALYZE statistics", {
  skip: sqlite ? false : "no SQLite backend",
}, async () => {
  const params = [1, 0, 60_000, 1, 0, 0, 60_000, 100];
  for (const analyzed of [false, true]) {
    if (analyzed) await db.run("ANALYZE");
    const plan = await db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${labeledScoresSql(true)}`, params);
    const details = plan.map((r) => r.detail);
    const predictions = details.findIndex((d) => /SEARCH p USING PRIMARY KEY \(deployment_id=\? AND time>/.test(d));
    const byRequest = details.findIndex((d) =>
      /SEARCH f USING INDEX log_feedback_by_request \(deployment_id=\? AND request_id=\?/.test(d),
    );
    assert.ok(predictions >= 0 && byRequest > predictions, `analyzed=${analyzed}: ${details.join(" | ")}`);
  }
});
