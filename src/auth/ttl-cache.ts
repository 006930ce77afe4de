/** A small map whose entries expire, bounded in size (oldest entries dropped first). */

export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  has(key: K): boolean {
    const e = this.entries.get(key);
    if (!e) return false;
    if (e.until <= this.now()) {
      this.entries.delete(key);
      return false;
    }
    return true;
  }

  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** Keep `value` for the cache's period, or until `expiresAt` if that comes first. */
  set(key: K, value: V, expiresAt?: number): void {
    const until = Math.min(this.now() + this.ttlMs, expiresAt ?? Number.POSITIVE_INFINITY);
    this.entries.delete(key);
    this.entries.set(key, { value, until });
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
}
