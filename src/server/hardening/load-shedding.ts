/**
 * A bound on the requests one process works on at once. Past it, new requests get an immediate 503
 * with `Retry-After` instead of queuing behind the others: each one admitted holds memory and
 * database time, and an unbounded pile of them starves everything, health probes included. A
 * request leaves the count when its response has been sent or its client went away.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { refuse } from "./refuse.js";

/** Requests in flight per process unless configured (`--max-concurrent-requests`). */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 256;

/** Counts the requests in flight and sheds those over the limit. */
export class InFlightLimit {
  private count = 0;
  private readonly leave = () => {
    this.count--;
  };

  constructor(readonly max: number) {}

  /** Requests admitted and not yet answered (or abandoned). */
  get inFlight(): number {
    return this.count;
  }

  /** Admit the request (true), or answer it 503 and return false. */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.count >= this.max) {
      refuse(
        req,
        res,
        503,
        "TEMPORARILY_UNAVAILABLE",
        `The server is busy (${this.max} requests in flight, its --max-concurrent-requests); retry shortly.`,
        { "retry-after": "1" },
      );
      return false;
    }
    this.count++;
    // 'close' comes once per response: after it is sent, or when the connection drops first.
    res.once("close", this.leave);
    return true;
  }
}
