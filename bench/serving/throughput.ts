/**
 * Closed-loop throughput: wrk (Debian) with 64 connections POSTs one Telco row per request to
 * `/invocations` of the deployment server (200-tree GBDT, prediction logging on), against the bare
 * node:http hello-world anchor measured in the same run, alternating anchor, ours, ours without
 * authentication, anchor, ... Targets: ours ≥ 0.5 × the anchor's req/s, and authentication (a bearer
 * token checked on every request) costing at most 5 % (ours ≥ 0.95 × ours --no-auth); reported, not
 * asserted. Exits 1 if a server crashed.
 *
 *   node --import tsx bench/serving/throughput.ts [--quick] [--sampling 1] [--no-deployment] [--keep] [--no-write]
 */
import { startAnchor } from "./lib/anchor.js";
import { log, parseBenchArgs, samplingArg } from "./lib/args.js";
import type { ChildServer } from "./lib/child-server.js";
import { checkInvocation, describeLogMetrics, predictionLogMetrics } from "./lib/probe.js";
import { fixed, int, machineNote, markdownTable, verdict, writeResults } from "./lib/report.js";
import { createDeployment, DEPLOYMENT, finishBench, prepareHome, startModelServer } from "./lib/setup.js";
import { telcoRecord } from "./lib/telco.js";
import type { WrkResult } from "./lib/wrk.js";
import { runWrk, writePostLua } from "./lib/wrk.js";

const TARGET_RATIO = 0.5;
/** Authentication may cost at most 5 % of the throughput without it. */
const AUTH_TARGET = 0.95;
const ROUNDS = 2;
const args = parseBenchArgs(["sampling"]);
/** Share of requests the deployment writes to the prediction log (1: all, the issue's case; 0: off). */
const SAMPLING = samplingArg(args.values.sampling);
const WARMUP_S = args.quick ? 1 : 3;
const DURATION_S = args.quick ? 3 : 10;
const THREADS = 2;
const CONNECTIONS = 64;

interface Run {
  round: number;
  server: "anchor" | "ours" | "open";
  result?: WrkResult;
  error?: string;
}

async function main(): Promise<number> {
  const notes = [machineNote()];
  const bench = await prepareHome(1, log, args.keep);
  const servers: ChildServer[] = [];
  try {
    if (args.mode === "deployment") await createDeployment(bench.home, DEPLOYMENT, SAMPLING);
    const anchor = await startAnchor();
    servers.push(anchor);
    const ours = await startModelServer(bench.home, args.mode);
    servers.push(ours);
    const open = await startModelServer(bench.home, args.mode, DEPLOYMENT, "off");
    servers.push(open);
    if (!ours.authorization) throw new Error("serve wrote no admin token: is authentication on?");
    const answered = await checkInvocation(ours.url, ours.authorization);
    await checkInvocation(open.url);
    const body = JSON.stringify({ dataframe_records: [telcoRecord(0)] });
    const plain = writePostLua(bench.home, body);
    const signed = writePostLua(bench.home, body, ours.authorization, "post-signed.lua");
    const runs: Run[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [which, server] of [
        ["anchor", anchor],
        ["ours", ours],
        ["open", open],
      ] as const) {
        if (server.crashed()) break;
        const url = `${server.url}/invocations`;
        const opts = { threads: THREADS, connections: CONNECTIONS, script: which === "ours" ? signed : plain };
        log(`round ${round}: ${server.label}: ${WARMUP_S} s warm-up, ${DURATION_S} s measured`);
        try {
          await runWrk(url, { ...opts, durationS: WARMUP_S });
          runs.push({ round, server: which, result: await runWrk(url, { ...opts, durationS: DURATION_S }) });
        } catch (e) {
          runs.push({ round, server: which, error: (e as Error).message.split("\n")[0] });
        }
      }
    }
    const logMetrics = ours.crashed() ? undefined : await predictionLogMetrics(ours.url);
    const rss = { anchor: anchor.rssMiB(), ours: ours.rssMiB(), open: open.rssMiB() };
    const crashed = servers.filter((s) => s.crashed());

    console.log(
      `\n## bench/serving/throughput${args.quick ? " (--quick: short runs, figures indicative only)" : ""}\n`,
    );
    const label = (r: Run) =>
      r.server === "anchor" ? anchor.label : r.server === "ours" ? `${ours.label} + token (${answered})` : open.label;
    console.log(
      markdownTable(
        ["round", "server", "req/s", "p50 ms", "p99 ms", "avg ms", "max ms", "non-2xx", "socket errors"],
        runs.map((r) => {
          const w = r.result;
          if (!w) return [String(r.round), label(r), `FAILED: ${r.error}`, "", "", "", "", "", ""];
          const errs = Object.values(w.socketErrors).reduce((a, b) => a + b, 0);
          return [
            String(r.round),
            label(r),
            int(w.requestsPerSecond),
            fixed(w.latencyMs.p50),
            fixed(w.latencyMs.p99),
            fixed(w.latencyMs.avg),
            fixed(w.latencyMs.max),
            int(w.non2xx),
            int(errs),
          ];
        }),
      ),
    );
    const rps = (round: number | undefined, server: Run["server"]) =>
      runs
        .filter((r) => r.server === server && (round === undefined || r.round === round))
        .reduce((a, r) => a + (r.result?.requestsPerSecond ?? Number.NaN), 0);
    const ratioRows = [...Array.from({ length: ROUNDS }, (_, i) => i + 1), undefined].map((round) => {
      const a = rps(round, "anchor");
      const o = rps(round, "ours");
      const ratio = o / a;
      return [
        round === undefined ? "both (sums)" : String(round),
        int(a),
        int(o),
        fixed(ratio),
        `≥ ${TARGET_RATIO}`,
        verdict(ratio >= TARGET_RATIO),
      ];
    });
    console.log("");
    console.log(markdownTable(["round", "anchor req/s", "ours req/s", "ratio", "target", "verdict"], ratioRows));
    const authRows = [...Array.from({ length: ROUNDS }, (_, i) => i + 1), undefined].map((round) => {
      const withAuth = rps(round, "ours");
      const without = rps(round, "open");
      const ratio = withAuth / without;
      return [
        round === undefined ? "both (sums)" : String(round),
        int(without),
        int(withAuth),
        fixed(ratio),
        `≥ ${AUTH_TARGET}`,
        verdict(ratio >= AUTH_TARGET),
      ];
    });
    console.log("");
    console.log(
      markdownTable(["round", "--no-auth req/s", "with token req/s", "ratio", "target", "verdict"], authRows),
    );
    const invalid = runs.some((r) => r.server !== "anchor" && (r.result?.non2xx ?? 0) > 0);
    notes.push(
      `wrk -t${THREADS} -c${CONNECTIONS} -d${DURATION_S}s --latency after a ${WARMUP_S} s warm-up, POST of one Telco row ` +
        "(the same JSON body to both servers; the anchor reads it and answers a fixed JSON object).",
      `ours: \`modelworks ${ours.label}\`${args.mode === "deployment" ? ` (prediction log sampling ${SAMPLING})` : " (--no-deployment)"}; ` +
        `prediction log after the runs: ${describeLogMetrics(logMetrics)}.`,
      `Server RSS after the runs: anchor ${fixed(rss.anchor, 1)} MiB, ours ${fixed(rss.ours, 1)} MiB, --no-auth ${fixed(rss.open, 1)} MiB.`,
      "ours sends `Authorization: Bearer <admin token>` on every request (checked from the token cache on the direct path); --no-auth is the same server without authentication.",
      "wrk is closed-loop: its latency percentiles understate queueing (see fixed-rate.ts for p99 at a held rate).",
    );
    if (invalid) notes.push("**a server of ours answered non-2xx responses: its req/s is not a valid figure.**");
    for (const s of crashed)
      notes.push(`**${s.label} CRASHED (${s.crashed()}):** ${s.stderrTail().trim().slice(-500)}`);
    console.log(`\n${notes.map((n) => `- ${n}`).join("\n")}`);
    if (args.write) {
      const doc = {
        mode: args.mode,
        sampling: SAMPLING,
        warmupS: WARMUP_S,
        durationS: DURATION_S,
        answered,
        runs,
        ratio: rps(undefined, "ours") / rps(undefined, "anchor"),
        targetRatio: TARGET_RATIO,
        authRatio: rps(undefined, "ours") / rps(undefined, "open"),
        authTarget: AUTH_TARGET,
        predictionLog: logMetrics ?? null,
        rssMiB: rss,
        crashed: crashed.map((s) => s.label),
      };
      log(`wrote ${writeResults("throughput", args.quick, doc)}`);
    }
    return crashed.length > 0 ? 1 : 0;
  } finally {
    await finishBench(servers, bench, args.keep, log);
  }
}

process.exitCode = await main();
