/** Phases 1–3 over HTTP with one sequential client: log-batch ingest, and timed run searches. */
import { Agent, request } from "node:http";
import type { Run } from "../../src/core/api/mlflow-entities.js";
import type { MlflowApi } from "../../src/sdk/mlflow-client.js";
import type { ServerProcess } from "./server-process.js";
import { withCpu } from "./server-process.js";
import type { Timing } from "./stats.js";
import { now, round, summarize, timeRepeated } from "./stats.js";
import type { SearchSpec } from "./workload.js";
import { ingestBatch } from "./workload.js";

export interface IngestResult {
  calls: number;
  metricsPerCall: number;
  warmupCalls: number;
  seconds: number;
  metricsPerSecond: number;
  perCall: Omit<Timing, "samplesMs">;
  /** CPU used during the timed calls: server process and client process. */
  serverCpuSeconds: number;
  clientCpuSeconds: number;
  /** Metrics per second of server CPU: the rate with a core to itself (contention-free view). */
  metricsPerServerCpuSecond: number;
  /** The latest loss_0 step the server reports afterwards (sanity check). */
  lastStepSeen: number;
}

/** Warm-up calls into a throw-away run, then `calls` sequential log-batch calls into one run. */
export async function measureIngest(
  api: MlflowApi,
  server: ServerProcess,
  experimentId: string,
  calls: number,
  perCall: number,
  warmupCalls = 20,
): Promise<IngestResult> {
  const t0 = Date.now();
  const warm = await api.createRun({ experiment_id: experimentId, run_name: "ingest-warmup" });
  for (let c = 0; c < warmupCalls; c++) {
    await api.logBatch({ run_id: warm.run.info.run_id, metrics: ingestBatch(c, perCall, t0) });
  }
  const { run } = await api.createRun({ experiment_id: experimentId, run_name: "ingest" });
  const result = await timeIngest(server, calls, perCall, warmupCalls, (c) =>
    api.logBatch({ run_id: run.info.run_id, metrics: ingestBatch(c, perCall, t0) }).then(() => undefined),
  );
  const check = await api.getRun({ run_id: run.info.run_id });
  const loss0 = check.run.data.metrics?.find((m) => m.key === "loss_0");
  return { ...result, lastStepSeen: loss0?.step ?? -1 };
}

/** Time `calls` sequential sends, with the server's and the client's CPU over the same span. */
async function timeIngest(
  server: ServerProcess,
  calls: number,
  perCall: number,
  warmupCalls: number,
  send: (call: number) => Promise<void>,
): Promise<IngestResult> {
  const samples: number[] = [];
  const started = now();
  const cpu = await withCpu(server, async () => {
    for (let c = 0; c < calls; c++) {
      const t = now();
      await send(c);
      samples.push(now() - t);
    }
  });
  const seconds = (now() - started) / 1000;
  const { samplesMs: _, ...perCallStats } = summarize(samples);
  return {
    calls,
    metricsPerCall: perCall,
    warmupCalls,
    seconds: round(seconds, 3),
    metricsPerSecond: Math.round((calls * perCall) / seconds),
    perCall: perCallStats,
    serverCpuSeconds: cpu.serverCpuMs / 1000,
    clientCpuSeconds: cpu.clientCpuMs / 1000,
    metricsPerServerCpuSecond: Math.round((calls * perCall) / (cpu.serverCpuMs / 1000)),
    lastStepSeen: -1,
  };
}

export interface SearchResult {
  search: string;
  label: string;
  runsInExperiment: number;
  maxResults: number;
  timing: Timing;
  /** Server CPU per call (ms), averaged over the timed calls. */
  serverCpuMsPerCall: number;
  returned: number;
  /** Every returned run matches the filter and the page is in the requested order. */
  valid: boolean;
}

/** `warmup` untimed calls, then `n` timed sequential calls of one search. */
export async function measureSearch(
  api: MlflowApi,
  server: ServerProcess,
  experimentId: string,
  spec: SearchSpec,
  maxResults: number,
  runsInExperiment: number,
  n = 21,
  warmup = 2,
): Promise<SearchResult> {
  const call = () =>
    api.searchRuns({
      experiment_ids: [experimentId],
      filter: spec.filter,
      order_by: spec.orderBy,
      max_results: maxResults,
    });
  const first = await call();
  const runs = first.runs ?? [];
  for (let i = 0; i < warmup; i++) await call();
  const { value: timing, serverCpuMs } = await withCpu(server, () => timeRepeated(n, 0, call));
  return {
    search: spec.id,
    label: spec.label,
    runsInExperiment,
    maxResults,
    timing,
    serverCpuMsPerCall: round(serverCpuMs / n, 1),
    returned: runs.length,
    valid: checkPage(spec, runs),
  };
}

const metric = (r: Run, k: string) => r.data.metrics?.find((m) => m.key === k)?.value as number | undefined;
const param = (r: Run, k: string) => r.data.params?.find((p) => p.key === k)?.value;
const tag = (r: Run, k: string) => r.data.tags?.find((t) => t.key === k)?.value;

/** Filter and order checks for the two benchmark searches. */
function checkPage(spec: SearchSpec, runs: Run[]): boolean {
  for (const [i, r] of runs.entries()) {
    const auc = metric(r, "auc");
    if (auc === undefined || !(auc > 0.5)) return false;
    if (spec.id === "three" && (param(r, "algo") !== "gbdt" || tag(r, "team") !== "churn")) return false;
    const prev = runs[i - 1];
    if (!prev) continue;
    const prevAuc = metric(prev, "auc") as number;
    if (prevAuc < auc) return false;
    if (spec.id === "three" && prevAuc === auc && Number(param(prev, "lr")) > Number(param(r, "lr"))) return false;
  }
  return true;
}

/** Median round trip of a trivial request (`GET /health`): the per-request floor of this client + server. */
export async function measureRoundTrip(baseUrl: string, n = 200): Promise<Timing> {
  return timeRepeated(n, 20, async () => {
    const res = await fetch(`${baseUrl}/health`);
    await res.text();
  });
}

/**
 * The ingest the target is judged on: request bodies serialised before the clock starts and sent
 * over one keep-alive node:http connection, so the figure is the server's ingest rate rather than
 * the client's JSON encoding (the SDK rows show what a TypeScript client adds).
 */
export async function measureIngestPrebuilt(
  baseUrl: string,
  server: ServerProcess,
  experimentId: string,
  calls: number,
  perCall: number,
  warmupCalls = 20,
): Promise<IngestResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const post = (path: string, body: string) =>
    new Promise<string>((resolve, reject) => {
      const url = new URL(`${baseUrl}/api/2.0/mlflow/${path}`);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
            authorization: server.authorization,
          },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => {
            text += c;
          });
          res.on("end", () =>
            res.statusCode === 200 ? resolve(text) : reject(new Error(`HTTP ${res.statusCode}: ${text}`)),
          );
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  try {
    const t0 = Date.now();
    const runOf = async (name: string) =>
      (
        JSON.parse(await post("runs/create", JSON.stringify({ experiment_id: experimentId, run_name: name }))) as {
          run: Run;
        }
      ).run.info.run_id;
    const warm = await runOf("ingest-prebuilt-warmup");
    for (let c = 0; c < warmupCalls; c++) {
      await post("runs/log-batch", JSON.stringify({ run_id: warm, metrics: ingestBatch(c, perCall, t0) }));
    }
    const runId = await runOf("ingest-prebuilt");
    const bodies = Array.from({ length: calls }, (_, c) =>
      JSON.stringify({ run_id: runId, metrics: ingestBatch(c, perCall, t0) }),
    );
    return await timeIngest(server, calls, perCall, warmupCalls, async (c) => {
      await post("runs/log-batch", bodies[c] as string);
    });
  } finally {
    agent.destroy();
  }
}
