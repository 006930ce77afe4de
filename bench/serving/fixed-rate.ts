/**
 * Latency at a held rate: the open-loop generator (its own process, 32 keep-alive sockets) sends
 * one Telco row per request to `/invocations` at 1,000 req/s for 20 s on a fixed timetable and
 * measures from each request's scheduled send time. The bare node:http anchor gets the same load
 * first, which shows the floor the generator and loopback alone give. Target: p99 ≤ 5 ms
 * (reported, not asserted). Exits 1 if a server crashed.
 *
 *   node --import tsx bench/serving/fixed-rate.ts [--quick] [--rate 1000] [--seconds 20] [--sampling 1] [--no-deployment] [--keep] [--no-write]
 */
import { startAnchor } from "./lib/anchor.js";
import { log, numberArg, parseBenchArgs, samplingArg } from "./lib/args.js";
import type { ChildServer } from "./lib/child-server.js";
import type { SummaryReport } from "./lib/open-loop.js";
import { runOpenLoop } from "./lib/open-loop.js";
import type { PreciseResult } from "./lib/open-loop-c.js";
import { buildPreciseGenerator, runPrecise } from "./lib/open-loop-c.js";
import {
  checkInvocation,
  describeLogMetrics,
  durationBuckets,
  predictionLogMetrics,
  serverQuantileBoundMs,
} from "./lib/probe.js";
import { countsText, fixed, int, machineNote, markdownTable, verdict, writeResults } from "./lib/report.js";
import { createDeployment, DEPLOYMENT, finishBench, prepareHome, startModelServer } from "./lib/setup.js";
import { telcoRecord } from "./lib/telco.js";

const TARGET_P99_MS = 5;
const args = parseBenchArgs(["rate", "seconds", "sampling"]);
/** Share of requests the deployment writes to the prediction log (1: all, the issue's case; 0: off). */
const SAMPLING = samplingArg(args.values.sampling);
const RATE = numberArg(args.values.rate, 1000, "rate");
const DURATION_S = numberArg(args.values.seconds, args.quick ? 5 : 20, "seconds");
// 3 s even with --quick: a colder server makes the short run all warm-up (p90 in the hundreds of ms).
const WARMUP_S = 3;
const CONNECTIONS = 32;

async function measure(server: ChildServer): Promise<SummaryReport> {
  log(`${server.label}: ${RATE} req/s, ${WARMUP_S} s warm-up + ${DURATION_S} s measured`);
  return runOpenLoop({
    url: `${server.url}/invocations`,
    rate: RATE,
    warmupS: WARMUP_S,
    durationS: DURATION_S,
    connections: CONNECTIONS,
    intervalS: DURATION_S,
    timeoutMs: 10_000,
  });
}

/** The same load from the C generator (when a C compiler is there): anchor, then ours. */
async function measurePrecise(
  anchor: ChildServer,
  ours: ChildServer,
): Promise<[ChildServer, PreciseResult][] | undefined> {
  const bin = await buildPreciseGenerator();
  if (!bin) {
    log("no C compiler: skipping the precise generator");
    return undefined;
  }
  const body = JSON.stringify({ dataframe_records: [telcoRecord(0)] });
  const out: [ChildServer, PreciseResult][] = [];
  for (const server of [anchor, ours]) {
    log(`${server.label}: open-loop.c at ${RATE} req/s, ${WARMUP_S} s warm-up + ${DURATION_S} s measured`);
    out.push([
      server,
      await runPrecise(bin, `${server.url}/invocations`, body, {
        rate: RATE,
        seconds: DURATION_S,
        warmupS: WARMUP_S,
        connections: CONNECTIONS,
      }),
    ]);
  }
  return out;
}

function printPrecise(rows: [ChildServer, PreciseResult][], anchor: ChildServer, ours: ChildServer, answered: string) {
  console.log(`\nThe same load from \`lib/open-loop.c\` (timerfd schedule; its own lateness is listed):\n`);
  console.log(
    markdownTable(
      [
        "server",
        "achieved req/s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "p99.9 ms",
        "max ms",
        "non-2xx",
        "errors",
        "lateness p99 ms",
        "p99 target",
      ],
      rows.map(([server, r]) => [
        server === ours ? `${server.label} (${answered})` : server.label,
        int(r.achieved_rate),
        fixed(r.latency_ms.p50),
        fixed(r.latency_ms.p90),
        fixed(r.latency_ms.p99),
        fixed(r.latency_ms.p999),
        fixed(r.latency_ms.max),
        int(r.non2xx),
        int(r.errors),
        fixed(r.lateness_ms.p99),
        server === anchor ? "(anchor)" : `≤ ${TARGET_P99_MS} ms: ${verdict(r.latency_ms.p99 <= TARGET_P99_MS)}`,
      ]),
    ),
  );
}

async function main(): Promise<number> {
  const notes = [machineNote()];
  const bench = await prepareHome(1, log, args.keep);
  const servers: ChildServer[] = [];
  try {
    if (args.mode === "deployment") await createDeployment(bench.home, DEPLOYMENT, SAMPLING);
    const anchor = await startAnchor();
    servers.push(anchor);
    const ours = await startModelServer(bench.home, args.mode, DEPLOYMENT, "off");
    servers.push(ours);
    const answered = await checkInvocation(ours.url);
    const results: [ChildServer, SummaryReport][] = [];
    results.push([anchor, await measure(anchor)]);
    const before = await durationBuckets(ours.url);
    results.push([ours, await measure(ours)]);
    const after = await durationBuckets(ours.url);
    const serverP99 = serverQuantileBoundMs(before, after, 0.99);
    const serverP50 = serverQuantileBoundMs(before, after, 0.5);
    const precise = await measurePrecise(anchor, ours);
    const logMetrics = ours.crashed() ? undefined : await predictionLogMetrics(ours.url);
    const crashed = servers.filter((s) => s.crashed());

    console.log(`\n## bench/serving/fixed-rate${args.quick ? " (--quick: short run, figures indicative only)" : ""}\n`);
    console.log(
      markdownTable(
        [
          "server",
          "target req/s",
          "achieved req/s",
          "p50 ms",
          "p90 ms",
          "p99 ms",
          "max ms",
          "non-2xx",
          "errors",
          "p99 target",
        ],
        results.map(([server, r]) => [
          server === ours ? `${server.label} (${answered})` : server.label,
          int(r.targetRate),
          int(r.achievedRate),
          fixed(r.latencyMs.p50),
          fixed(r.latencyMs.p90),
          fixed(r.latencyMs.p99),
          fixed(r.latencyMs.max),
          int(r.non2xx),
          int(r.errors),
          server === ours ? `≤ ${TARGET_P99_MS} ms: ${verdict(r.latencyMs.p99 <= TARGET_P99_MS)}` : "(anchor)",
        ]),
      ),
    );
    if (precise) printPrecise(precise, anchor, ours, answered);
    notes.push(
      `Open loop: ${int(RATE)} req/s on a fixed timetable over ${CONNECTIONS} keep-alive sockets, ${DURATION_S} s after a ${WARMUP_S} s warm-up; ` +
        "latency from the scheduled send time (coordinated omission corrected).",
    );
    for (const [server, r] of results) {
      notes.push(
        `${server.label}: from the generator's send call (includes any wait for a free socket) p50 ${fixed(r.serviceMs.p50)} / p99 ${fixed(r.serviceMs.p99)} ms; ` +
          `generator lateness p50 ${fixed(r.latenessMs.p50)} / p99 ${fixed(r.latenessMs.p99)} / max ${fixed(r.latenessMs.max)} ms; ` +
          `statuses ${countsText(r.statuses)}; errors ${countsText(r.errorCodes)}.`,
      );
    }
    notes.push(
      `ours, as the server measures itself (its request-duration histogram over warm-up and run, request received to response written): ` +
        `p50 ≤ ${fixed(serverP50 ?? Number.NaN)} ms, p99 ≤ ${fixed(serverP99 ?? Number.NaN)} ms (bucket bounds).`,
    );
    notes.push(
      `ours: \`modelworks ${ours.label}\`${args.mode === "deployment" ? ` (prediction log sampling ${SAMPLING})` : " (--no-deployment)"}; ` +
        `prediction log after the run: ${describeLogMetrics(logMetrics)}.`,
    );
    for (const s of crashed)
      notes.push(`**${s.label} CRASHED (${s.crashed()}):** ${s.stderrTail().trim().slice(-500)}`);
    console.log(`\n${notes.map((n) => `- ${n}`).join("\n")}`);
    if (args.write) {
      const doc = {
        mode: args.mode,
        sampling: SAMPLING,
        answered,
        rate: RATE,
        warmupS: WARMUP_S,
        durationS: DURATION_S,
        connections: CONNECTIONS,
        targetP99Ms: TARGET_P99_MS,
        results: results.map(([server, r]) => ({ server: server.label, ...r })),
        predictionLog: logMetrics ?? null,
        serverQuantileBoundsMs: { p50: serverP50 ?? null, p99: serverP99 ?? null },
        precise: precise ? precise.map(([server, r]) => ({ server: server.label, ...r })) : null,
        crashed: crashed.map((s) => s.label),
      };
      log(`wrote ${writeResults("fixed-rate", args.quick, doc)}`);
    }
    return crashed.length > 0 ? 1 : 0;
  } finally {
    await finishBench(servers, bench, args.keep, log);
  }
}

process.exitCode = await main();
