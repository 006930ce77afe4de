/** A small map whose entries expire, bounded in size (oldest entries dropped first). */

interface Entry<V> {
  value: V;
  /** Fresh until then. */
  until: number;
  /** Never used past this (a token's own expiry), stale or not. */
  hardUntil: number;
}

export class TtlCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();

  /**
   * `staleMs`: how long an entry past its period is kept for {@link stale} (default 0: dropped
   * as soon as it expires).
   */
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
    private readonly staleMs = 0,
  ) {}

  has(key: K): boolean {
    return this.fresh(key) !== undefined;
  }

  get(key: K): V | undefined {
    return this.fresh(key)?.value;
  }

  /**
   * An entry past its period but within `staleMs` of it (never past its own expiry), for when the
   * source cannot be asked; undefined when there is none.
   */
  stale(key: K): { value: V } | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const now = this.now();
    if (now >= e.hardUntil || now >= e.until + this.staleMs) {
      this.entries.delete(key);
      return undefined;
    }
    return { value: e.value };
  }

  /** Keep `value` for the cache's period, or until `expiresAt` if that comes first. */
  set(key: K, value: V, expiresAt?: number): void {
    const hardUntil = expiresAt ?? Number.POSITIVE_INFINITY;
    const until = Math.min(this.now() + this.ttlMs, hardUntil);
    this.entries.delete(key);
    this.entries.set(key, { value, until, hardUntil });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest as K);
    }
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  private fresh(key: K): Entry<V> | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const now = this.now();
    if (e.until > now) return e;
    // Expired: kept only while it may still serve as a stale answer.
    if (now >= e.hardUntil || now >= e.until + this.staleMs) this.entries.delete(key);
    return undefined;
  }
}
