/** A time limit that can be moved later: a job's budget that its pauses do not count against. */
export class Deadline {
  private timer: NodeJS.Timeout | undefined;
  private at: number;
  private done = false;

  /** Calls `onExpired` once, `ms` from now unless moved or cleared first. */
  constructor(
    ms: number,
    private readonly onExpired: () => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.at = now() + ms;
    this.arm();
  }

  /** Move the limit `ms` later. */
  extend(ms: number): void {
    if (this.done) return;
    this.at += ms;
    clearTimeout(this.timer);
    this.arm();
  }

  /** Never expire. */
  clear(): void {
    this.done = true;
    clearTimeout(this.timer);
  }

  private arm(): void {
    this.timer = setTimeout(
      () => {
        // A timer may fire a little early; the limit is what counts.
        if (this.now() < this.at) return this.arm();
        this.done = true;
        this.onExpired();
      },
      Math.max(0, this.at - this.now()),
    );
  }
}
