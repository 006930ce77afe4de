/** Alias watch leases over SQL (SQLite or PostgreSQL): one row per watched deployment. */
import type { Database } from "../../core/db/database.js";
import type { AliasWatchLeases } from "../alias/alias-watcher.js";

/** The SQL {@link AliasWatchLeases}. Needs the "rollout" migrations applied (version 2). */
export class SqlAliasWatchLeases implements AliasWatchLeases {
  constructor(private readonly db: Database) {}

  async claim(deployment: string, owner: string, until: number, now: number): Promise<boolean> {
    // One statement: insert, or take over a lease that is ours or expired; both engines make it atomic.
    const changed = await this.db.run(
      `INSERT INTO alias_watch_leases (deployment, owner, lease_until) VALUES (?, ?, ?)
       ON CONFLICT (deployment) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
       WHERE alias_watch_leases.owner = excluded.owner OR alias_watch_leases.lease_until < ?`,
      [deployment, owner, until, now],
    );
    return changed > 0;
  }

  async release(deployment: string, owner: string): Promise<void> {
    await this.db.run("DELETE FROM alias_watch_leases WHERE deployment = ? AND owner = ?", [deployment, owner]);
  }
}
