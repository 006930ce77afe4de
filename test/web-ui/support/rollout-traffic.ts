/**
 * An active rollout on the fixture's `churn` deployment, started with the real CLI, that has run at
 * least one analysis: traffic flows until the first analysis, then stops, so later analyses fail on
 * "no traffic" (with a high threshold) and the rollout stays in progress for the page to show.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { homeFetch } from "../../../src/cli/test-support/home-auth.js";
import type { RolloutPhase } from "../../../src/rollout/rollout.js";
import { isActivePhase } from "../../../src/rollout/rollout.js";
import { runCliOk } from "./run-cli.js";
import type { UiFixture } from "./ui-fixture.js";
import { getJson } from "./ui-fixture.js";

export interface CheckWire {
  check: string;
  passed: boolean;
  value: number | null;
  threshold: number | null;
  detail: string;
}

export interface RolloutWire {
  rollout: { id: string; phase: RolloutPhase; analyses: number; candidate: string; weight: number };
  events: { type: string; data?: { checks?: CheckWire[] } }[];
}

/** Start `rollout start churn --candidate MODEL/VERSION` through the server and send traffic until an analysis ran. */
export async function startAnalysedRollout(fx: UiFixture, candidate: string): Promise<RolloutWire> {
  // A demo whose story went differently may have left its canary running; one rollout at a time.
  const fetch = homeFetch(fx.home);
  const env = { MODELWORKS_HOME: fx.home };
  const current = await fetch(`${fx.url}/api/modelworks/v1/deployments/churn/rollout`);
  const phase = current.ok ? ((await current.json()) as RolloutWire).rollout.phase : undefined;
  if (phase && isActivePhase(phase)) await runCliOk(["rollout", "abort", "churn", "--tracking-uri", fx.url], env);
  await runCliOk(
    [
      ...["rollout", "start", "churn", "--candidate", candidate, "--tracking-uri", fx.url],
      ...["--steps", "10,20,30,40,50,60,70,80,90,100", "--interval", "4s", "--threshold", "1000"],
      ...["--min-requests", "1", "--latency-ratio", "100", "--latency-slack", "1000ms", "--max-psi", "100"],
    ],
    env,
  );
  // 40 customers per request: with routing by customerID some land on the candidate at 10 %.
  const lines = readFileSync(join(fx.home, "demo", "holdout.csv"), "utf8")
    .trim()
    .split("\n");
  const header = lines[0] as string;
  const deadline = Date.now() + 60_000;
  for (let i = 0; Date.now() < deadline; i++) {
    const state = await getJson<RolloutWire>(fx, "/api/modelworks/v1/deployments/churn/rollout");
    if (state.rollout.analyses >= 1) return state;
    const start = 1 + ((i * 40) % (lines.length - 41));
    const body = [header, ...lines.slice(start, start + 40)].join("\n");
    const r = await fetch(`${fx.url}/deployments/churn/invocations`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body,
    });
    if (!r.ok) throw new Error(`invocations answered ${r.status}: ${await r.text()}`);
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error("the rollout ran no analysis within 60 s");
}

/** The checks of the rollout's latest analysis event (newest first in the wire answer). */
export function latestChecks(state: RolloutWire): CheckWire[] {
  return state.events.find((e) => (e.data?.checks?.length ?? 0) > 0)?.data?.checks ?? [];
}
