/**
 * The steady traffic mix of the scenario, open loop: request i of a stream is due at
 * start + i / rate whatever happened to earlier ones (a stall shows up as latency and time-outs,
 * never as a lower rate). Latency counts from the due time. Every request carries its own
 * x-request-id, so answers can be traced to the server's log and the prediction log.
 */
import type { IncomingHttpHeaders } from "node:http";
import { Agent, request } from "node:http";
import { singleRowBodies } from "../../serving/lib/telco.js";
import { DEPLOYMENT } from "./scenario.js";

export const REQUEST_TYPES = ["predict", "log-batch", "upload", "health", "ready"] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

/** One request and how it ended. */
export interface Sample {
  type: RequestType;
  seq: number;
  /** performance.now() when it was due, sent, and answered (or given up). */
  due: number;
  sent: number;
  done: number;
  /** The HTTP status, `timeout` (the client gave up) or the error code of a failed exchange. */
  outcome: number | string;
  requestId: string;
  /** x-request-id of a non-2xx answer (the server's trace id for it). */
  answeredId?: string;
  /** x-modelworks-variant / x-modelworks-model of a prediction. */
  variant?: string;
  model?: string;
  /** The start of a non-2xx body. */
  body?: string;
}

export interface TrafficTarget {
  url: string;
  authorization: string;
  runId: string;
  experimentId: string;
  /** Prefix of every request id (unique per fault). */
  tag: string;
  clientTimeoutMs: number;
}

interface Stream {
  type: RequestType;
  ratePerS: number;
  request(seq: number): { method: string; path: string; body?: string | Uint8Array; json?: boolean };
}

/** Per second: 100 one-row predictions, 50 log-batch, 5 /health, 5 /health/ready, 1 artifact upload. */
export function trafficStreams(t: TrafficTarget): Stream[] {
  const rows = singleRowBodies();
  return [
    {
      type: "predict",
      ratePerS: 100,
      request: (i) => ({
        method: "POST",
        path: `/deployments/${DEPLOYMENT}/invocations`,
        body: rows[i % rows.length],
        json: true,
      }),
    },
    {
      type: "log-batch",
      ratePerS: 50,
      request: (i) => ({
        method: "POST",
        path: "/api/2.0/mlflow/runs/log-batch",
        body: JSON.stringify({
          run_id: t.runId,
          metrics: [{ key: "m", value: i, timestamp: 1_700_000_000_000 + i, step: i }],
        }),
        json: true,
      }),
    },
    { type: "health", ratePerS: 5, request: () => ({ method: "GET", path: "/health" }) },
    { type: "ready", ratePerS: 5, request: () => ({ method: "GET", path: "/health/ready" }) },
    {
      type: "upload",
      ratePerS: 1,
      request: (i) => ({ method: "PUT", path: uploadPath(t, i), body: uploadBytes(i) }),
    },
  ];
}

/** Where upload `i` goes (the run's artifact folder). */
export function uploadPath(t: Pick<TrafficTarget, "experimentId" | "runId">, i: number): string {
  return `/api/2.0/mlflow-artifacts/artifacts/${t.experimentId}/${t.runId}/artifacts/faults/upload-${i}.bin`;
}

/** 64 KiB that name their upload, so a read-back can tell them apart. */
export function uploadBytes(i: number): Uint8Array {
  const bytes = new Uint8Array(64 * 1024).fill(i % 251);
  bytes.set(new TextEncoder().encode(`upload ${i}\n`));
  return bytes;
}

/** A running mix; `stop` ends the sending and waits for every answer (at most the client time-out). */
export interface Traffic {
  samples: Sample[];
  stop(): Promise<void>;
}

/** Start sending now. */
export function startTraffic(t: TrafficTarget, streams = trafficStreams(t)): Traffic {
  const samples: Sample[] = [];
  const agents = streams.map((s) => new Agent({ keepAlive: true, maxSockets: SOCKETS[s.type] }));
  const inFlight = new Set<Promise<void>>();
  const start = performance.now();
  const next = streams.map(() => 0);
  const tick = () => {
    const now = performance.now();
    streams.forEach((s, k) => {
      for (;;) {
        const seq = next[k] as number;
        const due = start + (seq * 1000) / s.ratePerS;
        if (due > now) break;
        next[k] = seq + 1;
        const p = send(t, s, agents[k] as Agent, seq, due).then((sample) => {
          samples.push(sample);
        });
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
    });
  };
  const timer = setInterval(tick, 2);
  return {
    samples,
    stop: async () => {
      clearInterval(timer);
      await Promise.all([...inFlight]);
      for (const a of agents) a.destroy();
    },
  };
}

/** Keep-alive sockets per request type: a type the server holds up never delays the others in the client. */
const SOCKETS: Record<RequestType, number> = { predict: 512, "log-batch": 768, upload: 32, health: 64, ready: 64 };

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** One exchange over `agent`, given up (socket destroyed) after `timeoutMs`. */
function exchange(
  agent: Agent,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string | Uint8Array },
  timeoutMs: number,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method, headers: init.headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") });
      });
      res.on("error", reject);
    });
    const timer = setTimeout(
      () => req.destroy(Object.assign(new Error("client time-out"), { code: "timeout" })),
      timeoutMs,
    );
    req.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    req.end(init.body);
  });
}

async function send(t: TrafficTarget, s: Stream, agent: Agent, seq: number, due: number): Promise<Sample> {
  const r = s.request(seq);
  const requestId = `${t.tag}-${s.type}-${seq}`;
  const sent = performance.now();
  const sample: Sample = { type: s.type, seq, due, sent, done: sent, outcome: "", requestId };
  try {
    const headers: Record<string, string> = { authorization: t.authorization, "x-request-id": requestId };
    if (r.json) headers["content-type"] = "application/json";
    const res = await exchange(
      agent,
      t.url + r.path,
      { method: r.method, headers, ...(r.body !== undefined ? { body: r.body } : {}) },
      t.clientTimeoutMs,
    );
    sample.outcome = res.status;
    if (s.type === "predict" && res.status === 200) {
      sample.variant = String(res.headers["x-modelworks-variant"] ?? "");
      sample.model = String(res.headers["x-modelworks-model"] ?? "");
    }
    if (res.status >= 300) {
      sample.answeredId = String(res.headers["x-request-id"] ?? "");
      sample.body = res.text.slice(0, 300);
    }
  } catch (e) {
    sample.outcome = (e as { code?: string }).code ?? "error";
  }
  sample.done = performance.now();
  return sample;
}
