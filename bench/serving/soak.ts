/**
 * Soak: the open-loop generator holds 500 req/s against `/invocations` of the deployment server
 * for 10 minutes while the deployment's primary is switched between versions 1 and 2 every minute
 * (`modelworks deployments update --primary`). Reports requests, non-2xx, errors, latency per
 * interval, which version answered, and the server's RSS (VmRSS) at start, every interval and end.
 * Exits 1 on any non-2xx or failed request, a failed swap, or a server crash (the issue requires
 * zero non-2xx); latency and memory are reported, not asserted.
 *
 *   node --import tsx bench/serving/soak.ts [--quick] [--minutes 10] [--rate 500] [--swap-every 60] [--no-deployment] [--keep] [--no-write]
 *
 * --quick: 1 minute with a swap every 10 s.
 */
import { log, numberArg, parseBenchArgs } from "./lib/args.js";
import type { ChildServer } from "./lib/child-server.js";
import type { IntervalReport } from "./lib/open-loop.js";
import { runOpenLoop } from "./lib/open-loop.js";
import { checkInvocation, describeLogMetrics, predictionLogMetrics } from "./lib/probe.js";
import { countsText, fixed, int, machineNote, markdownTable, writeResults } from "./lib/report.js";
import {
  createDeployment,
  DEPLOYMENT,
  finishBench,
  MODEL,
  prepareHome,
  startModelServer,
  switchPrimary,
} from "./lib/setup.js";

const args = parseBenchArgs(["minutes", "rate", "swap-every"]);
const RATE = numberArg(args.values.rate, 500, "rate");
const MINUTES = numberArg(args.values.minutes, args.quick ? 1 : 10, "minutes");
const SWAP_S = numberArg(args.values["swap-every"], args.quick ? 10 : 60, "swap-every");
const DURATION_S = MINUTES * 60;
// 3 s even with --quick: a colder server makes the short run all warm-up (p90 in the hundreds of ms).
const WARMUP_S = 3;
const CONNECTIONS = 32;

interface Swap {
  atS: number;
  version: string;
  tookMs: number;
  error?: string;
}

async function main(): Promise<number> {
  const notes = [machineNote()];
  const bench = await prepareHome(2, log, args.keep);
  const servers: ChildServer[] = [];
  const timers: NodeJS.Timeout[] = [];
  try {
    if (args.mode === "deployment") await createDeployment(bench.home);
    const ours = await startModelServer(bench.home, args.mode, DEPLOYMENT, "off");
    servers.push(ours);
    const answered = await checkInvocation(ours.url);
    const rss = { idle: ours.rssMiB(), start: Number.NaN, end: Number.NaN, atBoundary: [] as number[] };
    const swaps: Swap[] = [];
    const pending: Promise<void>[] = [];
    const intervals: IntervalReport[] = [];
    /** The version requested as primary during each interval (index = interval). */
    const requested: string[] = [bench.versions[0] as string];

    const swap = async (k: number) => {
      rss.atBoundary[k - 1] = ours.rssMiB();
      const version = bench.versions[k % 2] as string;
      requested[k] = version;
      log(`t=${k * SWAP_S} s: primary → ${MODEL}/${version}`);
      const t0 = performance.now();
      try {
        await switchPrimary(bench.home, args.mode, version);
        swaps.push({ atS: k * SWAP_S, version, tookMs: performance.now() - t0 });
      } catch (e) {
        swaps.push({ atS: k * SWAP_S, version, tookMs: performance.now() - t0, error: (e as Error).message });
      }
    };
    log(`${ours.label}: ${RATE} req/s for ${DURATION_S} s, primary switched every ${SWAP_S} s`);
    const summary = await runOpenLoop(
      {
        url: `${ours.url}/invocations`,
        rate: RATE,
        warmupS: WARMUP_S,
        durationS: DURATION_S,
        connections: CONNECTIONS,
        intervalS: SWAP_S,
        timeoutMs: 10_000,
      },
      {
        onStart: () => {
          rss.start = ours.rssMiB();
          for (let k = 1; k * SWAP_S < DURATION_S; k++)
            timers.push(setTimeout(() => pending.push(swap(k)), k * SWAP_S * 1000));
        },
        onInterval: (r) => {
          intervals.push(r);
          log(
            `interval ${r.index + 1}: ${int(r.ok)} ok, ${int(r.non2xx)} non-2xx, ${int(r.errors)} errors, p99 ${fixed(r.latencyMs.p99)} ms`,
          );
        },
      },
    );
    await Promise.all(pending);
    rss.end = ours.rssMiB();
    const logMetrics = ours.crashed() ? undefined : await predictionLogMetrics(ours.url);
    const crashed = servers.filter((s) => s.crashed());
    const failedSwaps = swaps.filter((s) => s.error);

    console.log(`\n## bench/serving/soak${args.quick ? " (--quick: 1 minute, swap every 10 s)" : ""}\n`);
    console.log(
      markdownTable(
        [
          "interval",
          "from s",
          "primary set",
          "answered by",
          "requests",
          "non-2xx",
          "errors",
          "p50 ms",
          "p99 ms",
          "max ms",
          "RSS at end MiB",
        ],
        intervals.map((r) => [
          String(r.index + 1),
          String(r.startS),
          `${MODEL}/${requested[r.index] ?? "?"}`,
          countsText(r.models),
          int(r.scheduled),
          int(r.non2xx),
          int(r.errors),
          fixed(r.latencyMs.p50),
          fixed(r.latencyMs.p99),
          fixed(r.latencyMs.max),
          fixed(rss.atBoundary[r.index] ?? (r.index === intervals.length - 1 ? rss.end : Number.NaN), 1),
        ]),
      ),
    );
    console.log("");
    const zero = summary.non2xx === 0 && summary.errors === 0;
    console.log(
      markdownTable(
        [
          "total requests",
          "achieved req/s",
          "non-2xx",
          "errors",
          "p99 ms",
          "max ms",
          "RSS idle / start / end MiB",
          "zero failures",
        ],
        [
          [
            int(summary.scheduled),
            int(summary.achievedRate),
            int(summary.non2xx),
            int(summary.errors),
            fixed(summary.latencyMs.p99),
            fixed(summary.latencyMs.max),
            `${fixed(rss.idle, 1)} / ${fixed(rss.start, 1)} / ${fixed(rss.end, 1)} (${rss.end >= rss.start ? "+" : ""}${fixed(rss.end - rss.start, 1)})`,
            zero ? "PASS" : "FAIL",
          ],
        ],
      ),
    );
    notes.push(
      `Open loop at ${int(RATE)} req/s over ${CONNECTIONS} keep-alive sockets after a ${WARMUP_S} s warm-up; latency from the scheduled send time. ` +
        `Statuses ${countsText(summary.statuses)}; errors ${countsText(summary.errorCodes)}.`,
      args.mode === "deployment"
        ? "Swaps: `modelworks deployments update churn-bench --primary churn/N`, one CLI process each (its start-up shares the 2 cores with the load)."
        : "--no-deployment: `serve churn@champion`; the swaps move the champion alias (`models alias`), one CLI process each.",
      `Prediction log at the end: ${describeLogMetrics(logMetrics)}.`,
      `Swaps (${swaps.length}): ${swaps.map((s) => `t=${s.atS}s→v${s.version} ${Math.round(s.tookMs)} ms${s.error ? ` FAILED: ${s.error}` : ""}`).join("; ") || "none"}.`,
    );
    for (const s of crashed)
      notes.push(`**${s.label} CRASHED (${s.crashed()}):** ${s.stderrTail().trim().slice(-500)}`);
    console.log(`\n${notes.map((n) => `- ${n}`).join("\n")}`);
    if (args.write)
      log(
        `wrote ${writeResults("soak", args.quick, { mode: args.mode, answered, rate: RATE, durationS: DURATION_S, swapEveryS: SWAP_S, summary, intervals, swaps, rssMiB: rss, predictionLog: logMetrics ?? null, crashed: crashed.map((s) => s.label) })}`,
      );
    return crashed.length > 0 || !zero || failedSwaps.length > 0 ? 1 : 0;
  } finally {
    for (const t of timers) clearTimeout(t);
    await finishBench(servers, bench, args.keep, log);
  }
}

process.exitCode = await main();
