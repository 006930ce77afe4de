/** Steady scoring traffic against a deployment for rollout tests: counts answers by status and variant. */
import { Agent, request } from "node:http";

export interface LoadStats {
  sent: number;
  /** Answers by HTTP status. */
  byStatus: Map<number, number>;
  /** 200 answers by `x-modelworks-variant`. */
  byVariant: Map<string, number>;
  /** Requests that got no HTTP answer (connection refused or reset). */
  networkErrors: number;
}

/** Keeps `concurrency` requests in flight, each a batch of records, until stopped. */
export class LoadGenerator {
  readonly stats: LoadStats = { sent: 0, byStatus: new Map(), byVariant: new Map(), networkErrors: 0 };
  private running = false;
  private workers: Promise<void>[] = [];
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 });
  private next = 0;

  constructor(
    private readonly url: string,
    private readonly bodies: string[],
    private readonly options: { concurrency?: number; pauseMs?: number; headers?: Record<string, string> } = {},
  ) {}

  /** Start sending. */
  start(): this {
    this.running = true;
    for (let i = 0; i < (this.options.concurrency ?? 2); i++) this.workers.push(this.worker());
    return this;
  }

  /** Stop and wait for requests in flight. */
  async stop(): Promise<LoadStats> {
    this.running = false;
    await Promise.all(this.workers);
    this.agent.destroy();
    return this.stats;
  }

  /** Answers with a status other than 200 (network errors not included). */
  failures(): number {
    let n = 0;
    for (const [status, count] of this.stats.byStatus) if (status !== 200) n += count;
    return n;
  }

  private async worker(): Promise<void> {
    while (this.running) {
      const body = this.bodies[this.next++ % this.bodies.length] as string;
      this.stats.sent++;
      const answer = await this.post(body);
      if (answer === undefined) {
        this.stats.networkErrors++;
        await new Promise((r) => setTimeout(r, 50));
      } else {
        add(this.stats.byStatus, answer.status);
        if (answer.status === 200) add(this.stats.byVariant, answer.variant);
      }
      if (this.options.pauseMs) await new Promise((r) => setTimeout(r, this.options.pauseMs));
    }
  }

  private post(body: string): Promise<{ status: number; variant: string } | undefined> {
    return new Promise((resolve) => {
      const req = request(
        this.url,
        {
          method: "POST",
          agent: this.agent,
          headers: {
            ...this.options.headers,
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
          },
        },
        (res) => {
          res.resume();
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, variant: String(res.headers["x-modelworks-variant"] ?? "") }),
          );
          res.on("error", () => resolve(undefined));
        },
      );
      req.on("error", () => resolve(undefined));
      req.end(body);
    });
  }
}

function add<K>(m: Map<K, number>, k: K): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}
