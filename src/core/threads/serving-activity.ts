/**
 * A count of scoring requests the serving thread has started, in shared memory: background threads
 * (monitor runs) read it to tell whether requests are flowing, and give way while they are (see
 * {@link Pacer}). Counting is one store per request; nothing waits on it.
 */

/** The serving thread's request count, readable from any thread holding its buffer. */
export class ServingActivity {
  private readonly cells: Int32Array;

  /** A new count, or a view of one another thread shares (`buffer`). */
  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.cells = new Int32Array(buffer, 0, 1);
  }

  /** One more request (called by the serving thread only, so a plain increment is enough). */
  mark(): void {
    this.cells[0] = ((this.cells[0] as number) + 1) | 0;
  }

  /** Requests started so far (wraps around; compare for change only). */
  count(): number {
    return Atomics.load(this.cells, 0);
  }
}
