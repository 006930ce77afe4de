/** Job leases over SQL (SQLite or PostgreSQL through the portable {@link Database}). */
import type { Database } from "../../db/database.js";
import type { LeaseStore } from "../lease-store.js";

/** The SQL {@link LeaseStore}. Needs the "leases" migrations applied. */
export class SqlLeaseStore implements LeaseStore {
  constructor(private readonly db: Database) {}

  async claim(name: string, owner: string, until: number, now: number): Promise<boolean> {
    // One statement: insert, or take over a lease that is ours or expired; both engines make it atomic.
    const changed = await this.db.run(
      `INSERT INTO job_leases (name, owner, lease_until) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
       WHERE job_leases.owner = excluded.owner OR job_leases.lease_until < ?`,
      [name, owner, until, now],
    );
    return changed > 0;
  }

  async renew(name: string, owner: string, until: number): Promise<boolean> {
    const changed = await this.db.run("UPDATE job_leases SET lease_until = ? WHERE name = ? AND owner = ?", [
      until,
      name,
      owner,
    ]);
    return changed > 0;
  }

  async release(name: string, owner: string): Promise<void> {
    await this.db.run("DELETE FROM job_leases WHERE name = ? AND owner = ?", [name, owner]);
  }

  async holder(name: string): Promise<{ owner: string; until: number } | undefined> {
    const row = await this.db.get<{ owner: string; lease_until: number | string }>(
      "SELECT owner, lease_until FROM job_leases WHERE name = ?",
      [name],
    );
    return row ? { owner: row.owner, until: Number(row.lease_until) } : undefined;
  }
}
