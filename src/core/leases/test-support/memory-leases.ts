/** An in-memory lease store with the SQL one's rules, for unit tests of job loops. */
import type { LeaseStore } from "../lease-store.js";

/** A fresh in-memory {@link LeaseStore} (the SQL one has its own contract suite). */
export function memoryLeases(): LeaseStore {
  const rows = new Map<string, { owner: string; until: number }>();
  return {
    claim: async (name, owner, until, now) => {
      const row = rows.get(name);
      if (row && row.owner !== owner && row.until >= now) return false;
      rows.set(name, { owner, until });
      return true;
    },
    renew: async (name, owner, until) => {
      if (rows.get(name)?.owner !== owner) return false;
      rows.set(name, { owner, until });
      return true;
    },
    release: async (name, owner) => {
      if (rows.get(name)?.owner === owner) rows.delete(name);
    },
    holder: async (name) => rows.get(name),
  };
}
