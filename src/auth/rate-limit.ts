/** Failed sign-ins per key (a user name, an address) in a sliding window: too many → wait. */

export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly windowMs = 60_000) {}

  /** Milliseconds until `key`, allowed `max` failures per window, may try again; 0 when it may now. */
  retryAfterMs(key: string, now: number, max: number): number {
    const times = this.recent(key, now);
    if (times.length < max) return 0;
    return (times[0] as number) + this.windowMs - now;
  }

  /** Count a failure of `key`. */
  fail(key: string, now: number): void {
    const times = this.recent(key, now);
    times.push(now);
    this.failures.set(key, times);
    // Bounded memory under a spray of names or addresses: forget the oldest keys.
    if (this.failures.size > 10_000) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
  }

  /** Forget `key`'s failures (it signed in). */
  clear(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
  }
}
