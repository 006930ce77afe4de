/**
 * One fault end to end: a fresh scenario, the traffic mix for `before` seconds, the fault held for
 * `hold` seconds, `after` seconds of traffic once it ended, then the read-back and the figures.
 */
import type { ModelPackage } from "../../../src/learn/package/model-package.js";
import type { Fault } from "./faults.js";
import type { BenchPostgres } from "./postgres.js";
import type { LogCounters, PredictionReadBack, WriteReadBack } from "./read-back.js";
import { logCounters, readBackLogBatch, readBackPredictions, readBackUploads } from "./read-back.js";
import type { Scenario } from "./scenario.js";
import { openScenario } from "./scenario.js";
import type { PredictLatency, Readiness, ServerErrors, TypeFigures } from "./summary.js";
import { allTypes, figuresByType, predictLatency, readiness, recoveryMs, serverErrors } from "./summary.js";
import type { RequestType } from "./traffic.js";
import { startTraffic } from "./traffic.js";
import { lastLines } from "./up-process.js";

export interface RunOptions {
  holdS: number;
  beforeS: number;
  afterS: number;
  clientTimeoutMs: number;
  /** Extra environment of `up` (MODELWORKS_DB_TIMEOUT). */
  env: NodeJS.ProcessEnv;
  keep: boolean;
  log(line: string): void;
}

export interface FaultResult {
  name: string;
  /** How `up` ended during the run (exit code or signal), or null: it kept running. */
  exited: string | null;
  /** Its last log lines when it exited. */
  exitLog?: string;
  store: Fault["store"];
  faultMs: { held: number; start: number; end: number };
  byType: Record<RequestType, TypeFigures>;
  /** Every request type together. */
  all: TypeFigures;
  /** ms from the fault's end until answers were normal again (null: not within the traffic). */
  recoveryMs: number | null;
  predictLatency: PredictLatency;
  readiness: Readiness;
  serverErrors: ServerErrors;
  logBatch: WriteReadBack;
  uploads: WriteReadBack;
  predictions: PredictionReadBack;
  logCounters: LogCounters;
  rssMiB: { before: number; after: number };
  extra: Record<string, unknown>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Run `fault` in a scenario of its own; the scenario is always finished, even on failure. */
export async function runFault(
  fault: Fault,
  packages: ModelPackage[],
  pg: BenchPostgres | undefined,
  o: RunOptions,
): Promise<FaultResult> {
  o.log(`${fault.name}: preparing a ${fault.store} home and starting up`);
  const s = await openScenario(fault.name, packages, o.env, fault.store === "postgres" ? pg : undefined);
  try {
    return await measure(fault, s, pg, o);
  } finally {
    await s.finish(o.keep);
    if (o.keep) o.log(`kept ${s.home}`);
  }
}

async function measure(fault: Fault, s: Scenario, pg: BenchPostgres | undefined, o: RunOptions): Promise<FaultResult> {
  const tag = `fb-${fault.name}-${Date.now().toString(36)}`;
  const traffic = startTraffic({ ...s, url: s.up.url, tag, clientTimeoutMs: o.clientTimeoutMs });
  const t0 = performance.now();
  await sleep(o.beforeS * 1000);
  const rssBefore = s.up.rssMiB();
  o.log(`${fault.name}: fault on for ${o.holdS} s`);
  const start = performance.now();
  const active = await fault.begin({ scenario: s, pg, holdS: o.holdS, samples: traffic.samples, log: o.log });
  await sleep(start + o.holdS * 1000 - performance.now());
  await active.end();
  const end = performance.now();
  o.log(`${fault.name}: fault off after ${Math.round(end - start)} ms; ${o.afterS} s more traffic`);
  await sleep(o.afterS * 1000);
  if (active.settled && !active.settled()) {
    o.log(`${fault.name}: waiting (at most 40 s after the end) for the fault's effect to settle`);
    while (!active.settled() && performance.now() - end < 40_000) await sleep(250);
    await sleep(3000);
  }
  await active.beforeStop?.();
  await traffic.stop();
  // Every answer is in: its log line, if any, is in the file (the server writes it before answering).
  s.up.flushLog();
  const exited = s.up.exited() ?? null;
  const rssAfter = s.up.rssMiB();
  const w = { start, end };
  const log = s.up.log;
  const exitLog = exited ? crashLines(log) : undefined;
  if (exited) {
    o.log(`${fault.name}: up EXITED (${exited}); starting it again to read back`);
    await s.restart();
  }
  await waitReady(s, 30_000);
  o.log(`${fault.name}: reading back`);
  const result: FaultResult = {
    name: fault.name,
    store: fault.store,
    exited,
    ...(exitLog ? { exitLog } : {}),
    faultMs: { held: Math.round(end - start), start: Math.round(start - t0), end: Math.round(end - t0) },
    byType: figuresByType(traffic.samples, w),
    all: allTypes(traffic.samples, w),
    recoveryMs: recoveryMs(traffic.samples, w),
    predictLatency: predictLatency(traffic.samples, w),
    readiness: readiness(traffic.samples, w),
    serverErrors: serverErrors(traffic.samples, log, w),
    logBatch: await readBackLogBatch(s, traffic.samples),
    uploads: await readBackUploads(s, traffic.samples),
    predictions: await readBackPredictions(s, traffic.samples, `${tag}-predict-`),
    logCounters: await logCounters(s),
    rssMiB: { before: rssBefore, after: rssAfter },
    extra: (await active.extra?.()) ?? {},
  };
  return result;
}

/** What makes a fault's run a failure: the server exited, or an acknowledged write or answered prediction is missing. */
export function problems(r: FaultResult): string[] {
  const out: string[] = [];
  if (r.exited) out.push(`up exited (${r.exited})`);
  if (r.logBatch.missing) out.push(`${r.logBatch.missing} acknowledged log-batch writes lost`);
  if (r.uploads.missing) out.push(`${r.uploads.missing} acknowledged uploads lost`);
  if (r.predictions.missing) out.push(`${r.predictions.missing} answered predictions not logged`);
  return out;
}

/** Until /health/ready answers 200 (the read-back needs the database). */
async function waitReady(s: Scenario, maxMs: number): Promise<void> {
  const deadline = performance.now() + maxMs;
  while (performance.now() < deadline) {
    const status = await fetch(`${s.up.url}/health/ready`, { signal: AbortSignal.timeout(2000) })
      .then((r) => r.status)
      .catch(() => 0);
    if (status === 200) return;
    await sleep(200);
  }
  throw new Error(`up did not become ready within ${maxMs} ms of the fault's end:\n${lastLines(s.up.log)}`);
}

/** The crash report in a log: from the line naming the failure (`throw er`, `Error`) on, at most 60 lines. */
function crashLines(log: readonly { text: string }[]): string {
  const from = log.findIndex((l) => /throw er|Unhandled|^\S*Error\b/.test(l.text));
  return log
    .slice(from >= 0 ? Math.max(0, from - 3) : -40)
    .slice(0, 60)
    .map((l) => l.text)
    .join("\n");
}
