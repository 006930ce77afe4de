/** Big requests one after another on a keep-alive connection: rows scored per second. */
import { Agent, request } from "node:http";

export interface BatchRate {
  requests: number;
  rowsPerSecond: number;
  /** Mean milliseconds per request. */
  meanMs: number;
  failures: number;
}

function post(url: string, body: string, agent: Agent, authorization?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          ...(authorization ? { authorization } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** POST `body` (`rows` rows) for at least `seconds` (and at least 3 times, after one warm-up request). */
export async function batchRate(
  url: string,
  body: string,
  rows: number,
  seconds: number,
  authorization?: string,
): Promise<BatchRate> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await post(url, body, agent, authorization);
    let requests = 0;
    let failures = 0;
    const t0 = performance.now();
    const end = t0 + seconds * 1000;
    while (performance.now() < end || requests < 3) {
      const status = await post(url, body, agent, authorization);
      requests++;
      if (status !== 200) failures++;
    }
    const elapsed = (performance.now() - t0) / 1000;
    return {
      requests,
      rowsPerSecond: ((requests - failures) * rows) / elapsed,
      meanMs: (elapsed * 1000) / requests,
      failures,
    };
  } finally {
    agent.destroy();
  }
}
