/** A FIFO async mutex: one holder at a time, waiters served in order, each in a turn of the event loop of its own. */
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

  /** Wait for the lock until `deadline` (epoch ms): the release function, or undefined when the deadline came first. */
  acquireBy(deadline: number): Promise<(() => void) | undefined> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve(() => this.release());
    }
    return new Promise((resolve) => {
      const waiter = () => {
        clearTimeout(timer);
        resolve(() => this.release());
      };
      // A waiter that gives up leaves the queue; the lock never passes to it.
      const timer = setTimeout(
        () => {
          const at = this.waiters.indexOf(waiter);
          if (at < 0) return;
          this.waiters.splice(at, 1);
          resolve(undefined);
        },
        Math.max(0, deadline - Date.now()),
      );
      this.waiters.push(waiter);
    });
  }

  /** Resolve once the lock is free (without taking it). */
  async idle(): Promise<void> {
    if (!this.held) return;
    const release = await this.acquire();
    release();
  }

  /** Like {@link idle}, until `deadline` (epoch ms): false when the deadline came first. */
  async idleBy(deadline: number): Promise<boolean> {
    if (!this.held) return true;
    const release = await this.acquireBy(deadline);
    release?.();
    return release !== undefined;
  }

  private release(): void {
    const next = this.waiters.shift();
    // The lock passes on in a later turn of the event loop: waiters whose work needs no I/O (an
    // embedded database's statements) would otherwise run one after another in microtasks, and a
    // queue of hundreds, drained at once when a lock clears, would hold up every other request.
    if (next) setImmediate(next);
    else this.held = false;
  }
}
