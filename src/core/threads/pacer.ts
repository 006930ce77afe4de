/**
 * Background work that gives way to serving. On a machine with few cores, a thread that computes
 * without pause takes a core from the load and the serving thread alike, and the requests' tail
 * latency grows even at the lowest scheduling priority (measured: a busy loop at SCHED_IDLE on 2
 * vCPUs added about 2 ms to the p99 of one-row requests at 1,000/s; the same loop busy 10 % of the
 * time added nothing measurable). So long jobs call {@link Pacer.pace} between stretches of work,
 * and while requests were served during a stretch, the pacer sleeps long enough that the job uses
 * at most its share of a core. Without requests the job runs at full speed, and a pause ends early
 * once requests stop flowing (it sleeps in slices and looks at the count after each).
 */
import type { ServingActivity } from "./serving-activity.js";

/** What a long job calls between stretches of work. */
export type Pace = () => Promise<void>;

export interface PacerOptions {
  /** Share of a core the job may use while requests flow, in (0, 1]; 1 never pauses. */
  share: number;
  /** Stretches shorter than this are not judged yet (default 2 ms). */
  minStretchMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Told each pause's length (the job's owner extends its time budget by it). */
  paused?: (ms: number) => void;
  /** A pause is slept in slices of this length; one without a request ends it (default 250 ms). */
  sliceMs?: number;
}

/** Paces one thread's work against the serving thread's {@link ServingActivity}. */
export class Pacer {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private stretchStart: number;
  private seen: number;
  /** Time spent paused so far. */
  pausedMs = 0;

  /** The share of a core the job may use while requests flow. */
  get share(): number {
    return this.o.share;
  }

  constructor(
    private readonly activity: Pick<ServingActivity, "count">,
    private readonly o: PacerOptions,
  ) {
    if (!(o.share > 0 && o.share <= 1)) throw new RangeError(`pacer share must be in (0, 1], got ${o.share}`);
    this.now = o.now ?? (() => performance.now());
    this.sleep = o.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.stretchStart = this.now();
    this.seen = activity.count();
  }

  /** Count the next stretch from now. */
  private reset(): void {
    this.stretchStart = this.now();
    this.seen = this.activity.count();
  }

  /** Between stretches of work: pause when requests were served during the stretch just ended. */
  pace: Pace = async () => {
    const busy = this.now() - this.stretchStart;
    if (busy < (this.o.minStretchMs ?? 2) || this.o.share >= 1) return;
    if (this.activity.count() !== this.seen) await this.pause((busy * (1 - this.o.share)) / this.o.share);
    this.reset();
  };

  /** Sleep up to `ms`, slice by slice, while requests keep coming. */
  private async pause(ms: number): Promise<void> {
    const slice = this.o.sliceMs ?? 250;
    let left = ms;
    while (left > 0) {
      const seen = this.activity.count();
      const step = Math.min(slice, left);
      this.pausedMs += step;
      this.o.paused?.(step);
      await this.sleep(step);
      left -= step;
      // No request during the slice: the load has stopped, so the job may take the core again.
      if (this.activity.count() === seen) return;
    }
  }
}
