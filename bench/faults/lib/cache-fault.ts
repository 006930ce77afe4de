/**
 * The serving cache folder (HOME/serving-cache) deleted while a deployment changes: a shell loop
 * removes it every 5 ms for the hold while the deployment gets churn/2 as a 50 % candidate, so
 * loading the new version keeps losing its files. Measured: how late the change takes effect
 * (the first answer from the candidate), the candidate's share of answers, and whether
 * `modelworks deployments show` agrees with what actually answers (mid-fault and at the end).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { killOnExit } from "../../serving/lib/child-server.js";
import type { ActiveFault, FaultContext } from "./faults.js";
import { DEPLOYMENT } from "./scenario.js";
import type { ShowCheck } from "./show-check.js";
import { candidateShare, showCheck } from "./show-check.js";
import type { Sample } from "./traffic.js";

const firstCandidate = (samples: readonly Sample[]): Sample | undefined =>
  samples.filter((x) => x.type === "predict" && x.variant === "candidate").sort((a, b) => a.done - b.done)[0];

/** Begin deleting the cache and change the deployment; `end` stops the deleting. */
export async function cacheFault(ctx: FaultContext): Promise<ActiveFault> {
  const s = ctx.scenario;
  const cache = join(s.home, "serving-cache");
  const deleter = spawn("bash", ["-c", 'while :; do rm -rf "$0"; sleep 0.005; done', cache], { stdio: "ignore" });
  killOnExit(deleter);
  const res = await fetch(`${s.up.url}/api/modelworks/v1/deployments/${DEPLOYMENT}`, {
    method: "PATCH",
    headers: { authorization: s.authorization, "content-type": "application/json" },
    body: JSON.stringify({ candidate: "churn/2", candidate_weight: 50 }),
  });
  if (!res.ok) throw new Error(`deployment update answered ${res.status}: ${await res.text()}`);
  const changeAt = performance.now();
  let endAt = Number.NaN;
  const checks: Promise<ShowCheck | { error: string }>[] = [];
  const check = () => showCheck(s.home, changeAt, ctx.samples).catch((e: Error) => ({ error: e.message }));
  const mid = setTimeout(() => checks.push(check()), (ctx.holdS * 1000) / 2);
  return {
    end: async () => {
      clearTimeout(mid);
      const exited = once(deleter, "exit");
      deleter.kill("SIGTERM");
      await exited;
      endAt = performance.now();
    },
    settled: () => firstCandidate(ctx.samples) !== undefined,
    // Once settled, with traffic still flowing: does show agree with what answers?
    beforeStop: async () => {
      checks.push(check());
      await Promise.all(checks);
    },
    extra: async () => {
      const lastDue = Math.max(...ctx.samples.map((x) => x.due));
      const first = firstCandidate(ctx.samples);
      return {
        changeTookEffectMs: first ? Math.round(first.done - changeAt) : null,
        tookEffectAfterFaultEndMs: first ? Math.round(first.done - endAt) : null,
        candidateShareDuringFault: candidateShare(ctx.samples, changeAt, endAt),
        candidateShareLast3s: candidateShare(ctx.samples, lastDue - 3000, lastDue + 1),
        loadFailuresLogged: s.up.log.filter((l) => l.at >= changeAt && /fail/i.test(l.text)).length,
        show: await Promise.all(checks),
      };
    },
  };
}
