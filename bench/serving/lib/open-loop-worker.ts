/**
 * The open-loop generator process (started by open-loop.ts with its config as argv[2]). Request i is
 * due at start + i/rate whatever happened to earlier ones; latency is measured from that scheduled
 * time, so a stalled server shows up as latency instead of silently lowering the rate (coordinated
 * omission). Requests go over a pool of keep-alive sockets; one Telco row per request, rotating.
 */
import { Agent, request } from "node:http";
import { performance } from "node:perf_hooks";
import { latencyStats } from "./latency-stats.js";
import type { Counts, IntervalReport, OpenLoopConfig, SummaryReport, WorkerLine } from "./open-loop.js";
import { singleRowBodies } from "./telco.js";

interface Bucket extends Counts {
  sent: number;
  outstanding: number;
  latency: number[];
  service: number[];
}

const config = JSON.parse(process.argv[2] as string) as OpenLoopConfig;
const target = new URL(config.url);
const bodies = singleRowBodies().map((b) => Buffer.from(b));
const agent = new Agent({ keepAlive: true, maxSockets: config.connections, maxFreeSockets: config.connections });

const periodMs = 1000 / config.rate;
const warmupCount = Math.round(config.rate * config.warmupS);
const measuredCount = Math.round(config.rate * config.durationS);
const perBucket = Math.max(1, Math.round(config.rate * config.intervalS));
const total = warmupCount + measuredCount;
const buckets: Bucket[] = Array.from({ length: Math.ceil(measuredCount / perBucket) }, (_, b) => ({
  scheduled: Math.min(perBucket, measuredCount - b * perBucket),
  ok: 0,
  non2xx: 0,
  errors: 0,
  statuses: {},
  errorCodes: {},
  models: {},
  sent: 0,
  outstanding: 0,
  latency: [],
  service: [],
}));
const lateness: number[] = [];
const start = performance.now() + 100;
const measureStart = start + warmupCount * periodMs;
let next = 0;
let inFlight = 0;
let flushed = 0;
let lastEnd = measureStart;

const emit = (line: WorkerLine) => process.stdout.write(`${JSON.stringify(line)}\n`);
const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

function fire(i: number): void {
  const scheduled = start + i * periodMs;
  const sentAt = performance.now();
  const bucket = i >= warmupCount ? buckets[Math.floor((i - warmupCount) / perBucket)] : undefined;
  if (i === warmupCount) emit({ type: "start" });
  if (bucket) {
    bucket.sent++;
    bucket.outstanding++;
    lateness.push(sentAt - scheduled);
  }
  inFlight++;
  let settled = false;
  const finish = (status: number | undefined, model: string | undefined, error?: string) => {
    if (settled) return;
    settled = true;
    inFlight--;
    const end = performance.now();
    if (bucket) {
      bucket.outstanding--;
      lastEnd = Math.max(lastEnd, end);
      if (status === undefined) {
        bucket.errors++;
        bump(bucket.errorCodes, error ?? "unknown");
      } else {
        if (status >= 200 && status < 300) bucket.ok++;
        else bucket.non2xx++;
        bump(bucket.statuses, String(status));
        bump(bucket.models, model ?? "(none)");
        bucket.latency.push(end - scheduled);
        bucket.service.push(end - sentAt);
      }
    }
    flush();
  };
  const body = bodies[i % bodies.length] as Buffer;
  const req = request(
    {
      hostname: target.hostname,
      port: target.port,
      path: target.pathname,
      method: "POST",
      agent,
      headers: { "content-type": "application/json", "content-length": body.length },
    },
    (res) => {
      const model = res.headers["x-modelworks-model"];
      res.on("data", () => {});
      res.on("end", () => finish(res.statusCode, typeof model === "string" ? model : undefined));
      res.on("close", () => {
        if (!res.complete) finish(undefined, undefined, "RESPONSE_ABORTED");
      });
    },
  );
  req.on("error", (e: NodeJS.ErrnoException) => finish(undefined, undefined, e.code ?? e.message));
  req.setTimeout(config.timeoutMs, () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
  req.end(body);
}

/** Report every finished interval, in order; after the last request, the summary. */
function flush(): void {
  while (flushed < buckets.length) {
    const b = buckets[flushed] as Bucket;
    if (b.sent < b.scheduled || b.outstanding > 0) break;
    emit({ type: "interval", index: flushed, startS: flushed * config.intervalS, ...counts(b), ...stats(b) });
    flushed++;
  }
  if (next === total && inFlight === 0) finishRun();
}

function counts(b: Counts): Counts {
  const { scheduled, ok, non2xx, errors, statuses, errorCodes, models } = b;
  return { scheduled, ok, non2xx, errors, statuses, errorCodes, models };
}

function stats(b: Bucket): Pick<IntervalReport, "latencyMs" | "serviceMs"> {
  return { latencyMs: latencyStats(b.latency), serviceMs: latencyStats(b.service) };
}

function finishRun(): void {
  const sum: Counts = { scheduled: 0, ok: 0, non2xx: 0, errors: 0, statuses: {}, errorCodes: {}, models: {} };
  for (const b of buckets) {
    sum.scheduled += b.scheduled;
    sum.ok += b.ok;
    sum.non2xx += b.non2xx;
    sum.errors += b.errors;
    for (const key of ["statuses", "errorCodes", "models"] as const)
      for (const [k, v] of Object.entries(b[key])) sum[key][k] = (sum[key][k] ?? 0) + v;
  }
  const windowS = Math.max(config.durationS, (lastEnd - measureStart) / 1000);
  const summary: SummaryReport = {
    type: "summary",
    targetRate: config.rate,
    durationS: config.durationS,
    achievedRate: (sum.ok + sum.non2xx) / windowS,
    ...sum,
    latencyMs: latencyStats(buckets.flatMap((b) => b.latency)),
    serviceMs: latencyStats(buckets.flatMap((b) => b.service)),
    latenessMs: latencyStats(lateness),
  };
  emit(summary);
  agent.destroy();
  process.exitCode = 0;
}

function tick(): void {
  const now = performance.now();
  while (next < total && start + next * periodMs <= now) fire(next++);
  // Node fires timers at 1 ms granularity at best; requests that came due meanwhile go out together.
  if (next < total) setTimeout(tick, Math.max(0, start + next * periodMs - performance.now()));
}

setTimeout(tick, 100);
