/** The markdown report of the fault bench: one summary row per fault, then answers per request type. */
import { countsText, fixed, int, markdownTable } from "../../serving/lib/report.js";
import type { FaultName } from "./fault-names.js";
import { FAULT_TITLES } from "./fault-names.js";
import type { FaultResult } from "./run-fault.js";
import { problems } from "./run-fault.js";
import { REQUEST_TYPES } from "./traffic.js";

const ms = (n: number | null): string => (n === null ? "-" : `${fixed(n / 1000, 2)} s`);
const lost = (r: { acknowledged: number; missing: number }) => `${int(r.missing)} of ${int(r.acknowledged)}`;

/** `traced of 5xx` (load-shedding refusals apart: they carry an id but get no log line each). */
function traced(e: FaultResult["serverErrors"]): string {
  const base = `${int(e.inLog)} of ${int(e.count - e.shed)}`;
  return e.shed ? `${base} (+${int(e.shed)} shed)` : base;
}

/** One row per fault: the headline figures (requests due from the fault's start to the end of the traffic). */
export function summaryTable(results: readonly FaultResult[]): string {
  return markdownTable(
    [
      "fault",
      "store",
      "server exits",
      "requests by status",
      "client time-outs",
      "p50 / p99 ms",
      "predict p99 ms before → during",
      "/health/ready during fault",
      "not ready after",
      "recovery",
      "predictions answered / logged",
      "acked lost: log-batch / upload",
      "5xx traced to log by id",
      "verdict",
    ],
    results.map((r) => {
      const bad = problems(r);
      return [
        r.name,
        r.store,
        r.exited ? `1 (${r.exited})` : "0",
        countsText(r.all.outcomes),
        int(r.all.timeouts),
        `${fixed(r.all.p50Ms, 1)} / ${fixed(r.all.p99Ms, 0)}`,
        `${fixed(r.predictLatency.before.p99Ms, 0)} → ${fixed(r.predictLatency.during.p99Ms, 0)}`,
        countsText(r.readiness.duringFault),
        ms(r.readiness.notReadyAfterMs),
        r.recoveryMs === null ? "not within the run" : ms(r.recoveryMs),
        `${int(r.predictions.answered)} / ${int(r.predictions.logged)}`,
        `${lost(r.logBatch)} / ${lost(r.uploads)}`,
        traced(r.serverErrors),
        bad.length ? `FAIL: ${bad.join("; ")}` : "ok",
      ];
    }),
  );
}

/** Answers, time-outs and latency per fault and request type (requests due from the fault's start on). */
export function typeTable(results: readonly FaultResult[]): string {
  const rows = results.flatMap((r) =>
    REQUEST_TYPES.map((type) => {
      const t = r.byType[type];
      return [
        r.name,
        type,
        int(t.sent),
        countsText(t.outcomes),
        int(t.timeouts),
        fixed(t.p50Ms, 1),
        fixed(t.p99Ms, 1),
        fixed(t.maxMs, 0),
      ];
    }),
  );
  return markdownTable(["fault", "request", "sent", "answers", "time-outs", "p50 ms", "p99 ms", "max ms"], rows);
}

/** A line per fault on what the table does not show. */
export function faultNotes(results: readonly FaultResult[]): string[] {
  return results.map((r) => {
    const parts = [
      `**${r.name}** (${FAULT_TITLES[r.name as FaultName]}; held ${fixed(r.faultMs.held / 1000, 1)} s)`,
      `/health/ready during the fault: ${countsText(r.readiness.duringFault)}; why not ready: ${countsText(r.readiness.reasons)}`,
      `predictions during the fault: p99 ${fixed(r.predictLatency.during.p99Ms, 1)} ms, max ${fixed(r.predictLatency.during.maxMs, 0)} ms`,
      `log-batch stored though not acknowledged: ${int(r.logBatch.storedUnacknowledged)}`,
      `prediction log: ${int(r.predictions.loggedUnanswered)} rows for requests the client gave up on, ${int(r.predictions.duplicateRows)} duplicate rows, read back after ${fixed(r.predictions.waitedMs / 1000, 1)} s`,
      `prediction-log counters: spooled ${int(r.logCounters.spooled)}, replayed ${int(r.logCounters.replayed)}, dropped ${int(r.logCounters.dropped)}`,
      `ready again ${ms(r.readiness.readyAgainAfterMs)} after the end; /health not 200: ${int(r.readiness.healthNot200)}`,
      `server log: ${int(r.serverErrors.logLines)} lines from the fault's start on; RSS ${fixed(r.rssMiB.before, 0)} → ${fixed(r.rssMiB.after, 0)} MiB`,
    ];
    if (r.serverErrors.untraced.length) parts.push(`5xx not in the log: ${r.serverErrors.untraced.join(" | ")}`);
    if (Object.keys(r.extra).length) parts.push(`extra: ${JSON.stringify(r.extra)}`);
    if (r.exited) parts.push(`**up exited (${r.exited})**; its last lines:\n\n\`\`\`\n${r.exitLog ?? ""}\n\`\`\``);
    return parts.join("; ");
  });
}
