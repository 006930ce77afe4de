/** Steady client traffic for fault tests: every answer recorded with when it was sent and answered. */

/** One request's outcome; status 0 when the socket dropped or no answer came. */
export interface Answer {
  status: number;
  /** `performance.now()` when the request was sent and when its body had arrived. */
  sentAt: number;
  doneAt: number;
  headers?: Headers;
  text: string;
}

// Only so that a request the server never answers ends the test with a failure instead of freezing
// it; the bounds the test asserts are far below.
const GIVE_UP_MS = 60_000;

/** `fetch` that never throws: a dropped socket or an answer that never comes is status 0. */
export async function timedFetch(url: string, init: RequestInit = {}): Promise<Answer> {
  const sentAt = performance.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(GIVE_UP_MS) });
    const text = await res.text();
    return { status: res.status, sentAt, doneAt: performance.now(), headers: res.headers, text };
  } catch (e) {
    const cause = (e as { cause?: unknown }).cause;
    return { status: 0, sentAt, doneAt: performance.now(), text: String(cause ?? e) };
  }
}

/** Run `once` again and again, `pauseMs` apart, until `stopped()`. */
export async function repeat(stopped: () => boolean, pauseMs: number, once: () => Promise<void>): Promise<void> {
  while (!stopped()) {
    await once();
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}

/** How many answers had each status, e.g. `{"200": 310, "503": 95}`. */
export function byStatus(answers: readonly Answer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) out[a.status] = (out[a.status] ?? 0) + 1;
  return out;
}

/** The longest an answer took, in whole milliseconds. */
export function maxWaitMs(answers: readonly Answer[]): number {
  return Math.round(Math.max(0, ...answers.map((a) => a.doneAt - a.sentAt)));
}

/**
 * When answers received between `from` and `until` turned to `status` for good: the arrival of the
 * first such answer after the last one that was not; undefined when the last one in the window was not.
 */
export function settledAt(answers: readonly Answer[], status: number, from: number, until: number): number | undefined {
  const window = answers.filter((a) => a.doneAt > from && a.doneAt < until).sort((a, b) => a.doneAt - b.doneAt);
  let turned: number | undefined;
  for (const a of window) {
    if (a.status !== status) turned = undefined;
    else turned ??= a.doneAt;
  }
  return turned;
}
