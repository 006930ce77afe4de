/**
 * Simulated customers: batches of rows POSTed to a deployment's MLflow scoring route (routed by
 * customerID) and, for some of them, the real outcome sent to /feedback later.
 */
import { toRecord } from "./churn-data.js";

/** What a run of traffic did. */
export interface TrafficTotals {
  requests: number;
  rows: number;
  failed: number;
  feedback: number;
}

/** Sends traffic to one deployment. */
export class Traffic {
  readonly totals: TrafficTotals = { requests: 0, rows: 0, failed: 0, feedback: 0 };
  private readonly customer: number;

  constructor(
    private readonly url: string,
    private readonly deployment: string,
    private readonly header: string[],
    /** `fetch` that signs in (the demo's admin token). */
    private readonly fetch: typeof globalThis.fetch = globalThis.fetch,
  ) {
    this.customer = header.indexOf("customerID");
  }

  /** POST one batch; send the outcome of every `feedbackEvery`-th row (0: none). Returns the HTTP status. */
  async batch(rows: string[][], feedbackEvery = 0): Promise<number> {
    const parsed = rows.map((r) => toRecord(this.header, r));
    const res = await this.fetch(`${this.url}/deployments/${this.deployment}/invocations`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ dataframe_records: parsed.map((p) => p.record) }),
    });
    await res.arrayBuffer();
    this.totals.requests++;
    this.totals.rows += rows.length;
    if (!res.ok) {
      this.totals.failed++;
      return res.status;
    }
    if (feedbackEvery > 0) {
      const feedback = rows
        .map((r, i) => ({ routing_key: r[this.customer], outcome: parsed[i]?.churned ? 1 : 0, i }))
        .filter((f) => f.i % feedbackEvery === 0)
        .map(({ routing_key, outcome }) => ({ routing_key, outcome }));
      if (feedback.length > 0) {
        const fb = await this.fetch(`${this.url}/deployments/${this.deployment}/feedback`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ feedback }),
        });
        await fb.arrayBuffer();
        if (fb.ok) this.totals.feedback += feedback.length;
      }
    }
    return res.status;
  }

  /** Send `rows` in batches of `size`, `concurrency` at a time. */
  async send(rows: string[][], size: number, feedbackEvery = 0, concurrency = 2): Promise<void> {
    const batches: string[][][] = [];
    for (let i = 0; i < rows.length; i += size) batches.push(rows.slice(i, i + size));
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const b = batches[next++] as string[][];
        await this.batch(b, feedbackEvery);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  }

  /** Keep sending batches cycling through `rows` until stopped. */
  loop(rows: string[][], size: number, feedbackEvery: number, concurrency = 2, pauseMs = 5): { stop(): Promise<void> } {
    let stopped = false;
    let offset = 0;
    const worker = async () => {
      while (!stopped) {
        const start = offset % rows.length;
        offset += size;
        const b = rows.slice(start, start + size);
        await this.batch(b.length > 0 ? b : rows.slice(0, size), feedbackEvery).catch(() => 0);
        if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
      }
    };
    const running = Promise.all(Array.from({ length: concurrency }, worker));
    return {
      stop: async () => {
        stopped = true;
        await running;
      },
    };
  }
}
