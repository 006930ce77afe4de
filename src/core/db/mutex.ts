/** A FIFO async mutex: one holder at a time, waiters served in order. */
export class Mutex {
  private held = false;
  private readonly waiters: Array<() => void> = [];

  /** True while someone holds the lock. */
  get isHeld(): boolean {
    return this.held;
  }

  /** Wait for the lock; returns the function that releases it. */
  async acquire(): Promise<() => void> {
    if (this.held) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.held = true;
    return () => this.release();
  }

  /** Resolve once the lock is free (without taking it). */
  async idle(): Promise<void> {
    if (!this.held) return;
    const release = await this.acquire();
    release();
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }
}
