/**
 * The cache of verified credentials and grants, built to outlast a metadata-store outage. An entry
 * is fresh for `freshMs`. After that it is still answered at once while one background load
 * refreshes it (stale-while-revalidate), for up to `graceMs` past its freshness. A refresh that
 * fails because the store cannot answer (503) keeps the entry, so callers seen lately keep being
 * served while the database is down or locked; any other failure (a revoked token, a removed
 * user) drops it. An absent entry, or one past its grace, is loaded before answering.
 */
import { isMwError } from "../core/errors.js";

/** A loaded value and, when it has one, the epoch ms after which it must never be used (a token's expiry). */
export interface Loaded<V> {
  value: V;
  expiresAt?: number | undefined;
}

export type Loader<V> = () => Promise<Loaded<V>>;

interface Entry<V> {
  value: V;
  loadedAt: number;
  expiresAt: number;
}

export interface RevalidatingCacheOptions {
  freshMs: number;
  graceMs: number;
  maxEntries: number;
  now: () => number;
}

/** Keyed values with background refresh and stale answers through an outage (see the file comment). */
export class RevalidatingCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private readonly refreshing = new Set<K>();
  // Bumped by delete() and clear(): a load that started before a change must not store what it read.
  private generation = 0;

  constructor(private readonly o: RevalidatingCacheOptions) {}

  /** The value for `key`: the cached one when usable (a stale one is refreshed in the background), else loaded now. */
  async get(key: K, load: Loader<V>): Promise<V> {
    const hit = this.peek(key, load);
    return hit ? hit.value : this.load(key, load);
  }

  /** The cached value when usable, without waiting; a stale one starts a background refresh with `load`. */
  peek(key: K, load?: Loader<V>): { value: V } | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    const age = this.o.now() - e.loadedAt;
    if (this.o.now() >= e.expiresAt || age >= this.o.freshMs + this.o.graceMs) {
      this.entries.delete(key);
      return undefined;
    }
    if (age >= this.o.freshMs && load) this.refresh(key, load);
    return { value: e.value };
  }

  /** Forget one entry (a load in progress does not bring it back). */
  delete(key: K): void {
    this.entries.delete(key);
    this.generation++;
  }

  /** Forget everything (after a change to users, tokens or grants), loads in progress included. */
  clear(): void {
    this.entries.clear();
    this.generation++;
  }

  private refresh(key: K, load: Loader<V>): void {
    if (this.refreshing.has(key)) return;
    this.refreshing.add(key);
    this.load(key, load)
      .catch((e: unknown) => {
        if (!(isMwError(e) && e.code === "TEMPORARILY_UNAVAILABLE")) this.entries.delete(key);
      })
      .finally(() => this.refreshing.delete(key));
  }

  private async load(key: K, load: Loader<V>): Promise<V> {
    const generation = this.generation;
    const { value, expiresAt } = await load();
    if (generation === this.generation) this.set(key, value, expiresAt);
    return value;
  }

  private set(key: K, value: V, expiresAt = Number.POSITIVE_INFINITY): void {
    this.entries.delete(key);
    this.entries.set(key, { value, loadedAt: this.o.now(), expiresAt });
    if (this.entries.size > this.o.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}
