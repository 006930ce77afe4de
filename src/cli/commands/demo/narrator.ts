/** The demo's terminal narration: section headings and one line per event, stamped with the elapsed time. */

/** Prints the story. */
export class Narrator {
  private readonly start = Date.now();
  private section = 0;

  constructor(private readonly out: (line: string) => void) {}

  /** A numbered section heading. */
  heading(title: string): void {
    this.section++;
    this.out("");
    this.out(`== ${this.section}. ${title}`);
  }

  /** One event. */
  line(text: string): void {
    const s = ((Date.now() - this.start) / 1000).toFixed(1).padStart(5);
    this.out(`[${s}s] ${text}`);
  }

  /** A detail under the previous event. */
  detail(text: string): void {
    this.out(`         ${text}`);
  }

  /** Seconds since the story started. */
  elapsedSeconds(): number {
    return (Date.now() - this.start) / 1000;
  }
}
