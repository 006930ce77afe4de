/**
 * Leases on background jobs: one owner (a replica) at a time per job name, for a period it keeps
 * renewing. A replica that dies stops renewing, and another takes the job once the period has passed.
 * Job names are namespaced by their kind: `rollout/ID`, `alias-watch/DEPLOYMENT`, `monitor/DEPLOYMENT`,
 * `pipeline-triggers`, `materialization/VIEW`.
 */

/** The shared record of who holds which lease (SQL today; one contract for every backend). */
export interface LeaseStore {
  /**
   * Take or renew the lease on `name` for `owner` until `until` (epoch ms); false while another
   * owner's lease is unexpired at `now`. Atomic: of concurrent claims on a free lease exactly one wins.
   */
  claim(name: string, owner: string, until: number, now: number): Promise<boolean>;
  /**
   * Extend a lease `owner` holds (even one past its time that nobody took) until `until`; false once
   * it was taken over or released. Unlike {@link claim} it never takes a lease back, so a holder that
   * lost its lease (paused past it) learns so instead of starting over.
   */
  renew(name: string, owner: string, until: number): Promise<boolean>;
  /** Give a lease up (a job done, a process stopping) so another owner may take it at once. */
  release(name: string, owner: string): Promise<void>;
  /** Who holds `name` and until when (an expired lease is still reported; compare `until` with now). */
  holder(name: string): Promise<{ owner: string; until: number } | undefined>;
}

/** The leases of one kind of job: `name` becomes `prefix + name` in `store`. */
export function prefixedLeases(store: LeaseStore, prefix: string): LeaseStore {
  return {
    claim: (name, owner, until, now) => store.claim(prefix + name, owner, until, now),
    renew: (name, owner, until) => store.renew(prefix + name, owner, until),
    release: (name, owner) => store.release(prefix + name, owner),
    holder: (name) => store.holder(prefix + name),
  };
}
