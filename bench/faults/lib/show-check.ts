/**
 * Does `modelworks deployments show` agree with what answers? Its JSON has the settings and, per
 * serving process, what that process reports it serves (written within 100 ms of each change and
 * every 5 s); each report is compared with the share of predictions the candidate actually
 * answered from the moment the report was written to the moment `show` returned.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { REPO_ROOT } from "../../serving/lib/paths.js";
import { DEPLOYMENT } from "./scenario.js";
import type { Sample } from "./traffic.js";

const run = promisify(execFile);

export interface ShowCheck {
  /** ms after the change when `show` ran. */
  atMs: number;
  /** The settings: candidate and weight. */
  settings: string;
  /** What each serving process reports (state, variants, weight), or `none`. */
  serving: string;
  /** Share of predictions the candidate answered while the report was the latest (NaN: no report). */
  observedCandidateShare: number;
  /** How many answers that share is over. */
  observedAnswers: number;
  /** The serving reports (or, without any, the settings) within 15 points of the observed share. */
  agrees: boolean;
  /** A process reported `failing` or an error, or the events hold a failed load. */
  reportsFailure: boolean;
}

interface ShowJson {
  deployment: { candidate?: string; candidate_weight?: number };
  events?: { type: string }[];
  serving?: {
    kind: string;
    state: string;
    served: { variant: string; model: string; version: string }[];
    candidate_weight: number;
    last_error?: string;
    seen_time: number;
  }[];
}

const answeredIn = (samples: readonly Sample[], from: number, to: number, by: "due" | "done") =>
  samples.filter((x) => x.type === "predict" && x.outcome === 200 && x[by] >= from && x[by] < to);

const shareOf = (answered: readonly Sample[]): number =>
  answered.length ? answered.filter((x) => x.variant === "candidate").length / answered.length : Number.NaN;

/** Share of answered predictions due in [from, to) that the candidate answered (NaN: none). */
export function candidateShare(samples: readonly Sample[], from: number, to: number): number {
  return shareOf(answeredIn(samples, from, to, "due"));
}

/** Run `deployments show churn --json --home HOME` and compare each serving report with the answers since it was written. */
export async function showCheck(home: string, changeAt: number, samples: readonly Sample[]): Promise<ShowCheck> {
  const started = performance.now();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ["MODELWORKS_HOME", "MODELWORKS_STORE_URI", "MODELWORKS_TRACKING_URI"]) delete env[k];
  const { stdout } = await run(
    process.execPath,
    ["--import", "tsx", "src/cli/entry.ts", "deployments", "show", DEPLOYMENT, "--json", "--home", home],
    { cwd: REPO_ROOT, env },
  );
  const returned = performance.now();
  const doc = JSON.parse(stdout) as ShowJson;
  const configured = doc.deployment.candidate ? (doc.deployment.candidate_weight ?? 0) / 100 : 0;
  // A report stands from when it was written (epoch ms, same clock) until show read it; at least the last second.
  const written = Math.max(0, ...(doc.serving ?? []).map((r) => r.seen_time)) - performance.timeOrigin;
  const observedAnswers = answeredIn(samples, Math.min(written + 200, returned - 1000), returned, "done");
  const observed = shareOf(observedAnswers);
  const reports = (doc.serving ?? []).map((r) => {
    const candidate = r.served.some((v) => v.variant === "candidate");
    const variants = r.served.map((v) => `${v.variant} ${v.model}/${v.version}`).join(" + ");
    return {
      share: candidate ? r.candidate_weight / 100 : 0,
      failing: r.state === "failing" || r.last_error !== undefined,
      text: `${r.kind} ${r.state}: ${variants}${candidate ? ` at ${r.candidate_weight} %` : ""}`,
    };
  });
  const close = (share: number) => Math.abs(observed - share) <= 0.15;
  return {
    atMs: Math.round(started - changeAt),
    settings: `${doc.deployment.candidate ?? "no candidate"} at ${Math.round(configured * 100)} %`,
    serving: reports.map((r) => r.text).join("; ") || "none",
    observedCandidateShare: Math.round(observed * 1000) / 1000,
    observedAnswers: observedAnswers.length,
    agrees: reports.length ? reports.every((r) => close(r.share)) : close(configured),
    reportsFailure: reports.some((r) => r.failing) || (doc.events ?? []).some((e) => e.type === "load_failed"),
  };
}
