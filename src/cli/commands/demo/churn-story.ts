/**
 * `modelworks demo`: the churn story end to end on embedded storage, in one process, narrated —
 * data v1 → validate → train → gate → first champion → deployment; customer traffic and feedback;
 * a shifted batch → drift alert → retraining on v1+v2 → gate → canary 5→25→50→100 → promoted; a
 * broken candidate rolled back; a corrupt batch stopped at validation.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { resolveConfig } from "../../../core/config.js";
import { ensurePrivateDir } from "../../../core/fs/private-files.js";
import type { Alert } from "../../../monitoring/live/monitor.js";
import type { PlatformApi } from "../../../sdk/platform-client.js";
import { createPlatformClient } from "../../../sdk/platform-client.js";
import type { HttpHardening } from "../../../server/hardening/request-guard.js";
import { openPlatform } from "../../../server/open-platform.js";
import { VERSION } from "../../../version.js";
import type { CliIo, Connection } from "../../cli-context.js";
import { platformConnection } from "../../cli-context.js";
import { ADMIN_TOKEN_FILE, fetchWithAuthorization, readTokenFile } from "../../client-auth.js";
import { serverAuthPolicy } from "../../server-auth.js";
import { driftCommand } from "../drift.js";
import { closeGracefully, waitForSignal } from "../listen.js";
import { faultModel } from "../models-fault.js";
import { pipelineService } from "../pipeline-wiring.js";
import type { PlatformProcess } from "../platform-process.js";
import { startPlatformProcess } from "../platform-process.js";
import { churnBatches, readTelco, toCsv } from "./churn-data.js";
import { pipelineYaml } from "./churn-pipelines.js";
import { followRollout, narratePipelineRun } from "./narrate-runs.js";
import { Narrator } from "./narrator.js";
import { Traffic } from "./traffic.js";

/** What the story needs to know. */
export interface ChurnStoryOptions {
  port: number;
  /** The home folder; a fresh temporary one when undefined. */
  home?: string;
  seed: number;
  /** Stop when the story is told instead of serving until Ctrl-C. */
  exit: boolean;
  /** Allowed hosts and the rest of the server's hardening (defaults as for `up`). */
  hardening?: HttpHardening;
}

const DEPLOYMENT = "churn";
const INTERVAL_MS = 1500;
/** The champion is deliberately small; the challenger has more trees and more data. */
const CHAMPION_PARAMS = { n_estimators: 5, learning_rate: 0.3, max_depth: 2 };
const CHALLENGER_PARAMS = { n_estimators: 120, learning_rate: 0.1, max_depth: 3 };

/** Tell the story; returns the exit code. */
export async function churnStory(options: ChurnStoryOptions, io: CliIo): Promise<number> {
  const say = new Narrator(io.out);
  const home = options.home ?? (await mkdtemp(join(tmpdir(), "modelworks-demo-")));
  const config = resolveConfig({ home }, {}, io.cwd);
  ensurePrivateDir(config.home);

  say.heading("Start the platform (as `modelworks up` does)");
  const platform = await openPlatform(config, { warn: (m) => io.err(`warning: ${m}`) });
  const fired: Alert[] = [];
  // Log lines of the platform (the log notifier, the rollout controller) join the narration. Once
  // the story has its drift alert, the monitor's later firing/resolved flips (the canary's traffic
  // mixes shifted and ordinary customers) are left out.
  const quiet: CliIo = {
    ...io,
    out: () => {},
    err: (line) => {
      if (/^alert (firing|resolved)/.test(line) && fired.length > 0) return;
      if (/alert|warning/i.test(line)) say.detail(`log: ${line}`);
    },
  };
  let running: PlatformProcess | undefined;
  try {
    const auth = await serverAuthPolicy({}, "127.0.0.1", platform, config.home, quiet);
    const authed = fetchWithAuthorization(`Bearer ${readTokenFile(config.home)}`);
    running = await startPlatformProcess(
      platform,
      config,
      {
        auth,
        host: "127.0.0.1",
        port: options.port,
        pollMs: 100,
        syncMs: 200,
        rolloutTickMs: 100,
        monitorTickMs: 200,
        ...(options.hardening ? { hardening: options.hardening } : {}),
        onAlertFired: (alert) => {
          fired.push(alert);
        },
      },
      quiet,
    );
    const { url, app } = running;
    say.line(`Modelworks ${VERSION} up on ${url} — home ${config.home} (embedded SQLite + local artifacts)`);
    say.detail("serving host, rollout controller (tick 100 ms), monitor scheduler (tick 200 ms)");

    say.detail(`authentication on: admin token in ${join(config.home, ADMIN_TOKEN_FILE)} (mode 0600)`);
    const api = createPlatformClient({ baseUrl: url, fetch: authed });
    const conn = platformConnection(platform);
    const pipelines = pipelineService(
      conn,
      config.home,
      { ...process.env, ...io.env },
      (l) => say.detail(`notice: ${l}`),
      () => url,
      () => readTokenFile(config.home),
    );
    const story = new Story(say, api, url, config.home, options.seed, fired, conn, authed);
    const ok = await story.tell(pipelines);

    say.heading("Where to look");
    say.line(`drift report (v1 vs the shifted batch): ${story.reportPath ?? "-"}`);
    say.line(`pipeline runs:   npx modelworks pipeline ls --home ${config.home}`);
    say.line(`training runs:   npx modelworks runs ls --home ${config.home}`);
    say.line(`rollouts:        npx modelworks rollout status ${DEPLOYMENT} --home ${config.home}`);
    say.line(`deployment log:  npx modelworks deployments events ${DEPLOYMENT} --home ${config.home}`);
    say.line(
      `web UI:          ${signInUrl(url, config.home)} (signs you in as admin; runs, models, monitoring, pipelines)`,
    );
    say.line(`models:          npx modelworks models show churn --home ${config.home}`);
    say.line(
      `${ok ? "The story is told" : "The story did not go as planned"} in ${say.elapsedSeconds().toFixed(1)} s.`,
    );
    if (!options.exit) {
      say.line(`Serving on ${url} until Ctrl-C (POST ${url}/deployments/${DEPLOYMENT}/invocations).`);
      await waitForSignal();
    }
    await closeGracefully(app, 1000);
    return ok ? 0 : 1;
  } finally {
    await running?.stop();
    await platform.close();
  }
}

type Pipelines = ReturnType<typeof pipelineService>;

/**
 * A link that signs the browser in with the home's admin token. The token rides in the fragment,
 * which browsers never send to servers or put in logs; the page trades it for a session cookie.
 */
function signInUrl(url: string, home: string): string {
  return `${url}/#/sign-in?token=${encodeURIComponent(readTokenFile(home) ?? "")}&next=/deployments/${DEPLOYMENT}`;
}

class Story {
  reportPath: string | undefined;
  private readonly dataDir: string;

  constructor(
    private readonly say: Narrator,
    private readonly api: PlatformApi,
    private readonly url: string,
    private readonly home: string,
    private readonly seed: number,
    private readonly fired: Alert[],
    private readonly conn: Connection,
    private readonly fetch: typeof globalThis.fetch,
  ) {
    this.dataDir = join(home, "demo");
  }

  async tell(pipelines: Pipelines): Promise<boolean> {
    const { say, api } = this;
    const data = churnBatches(await readTelco(), this.seed);
    await mkdir(this.dataDir, { recursive: true });
    const file = (name: string) => join(this.dataDir, name);
    await writeFile(file("telco-v1.csv"), toCsv(data.header, data.v1));
    await writeFile(file("holdout.csv"), toCsv(data.header, data.holdout));
    await writeFile(file("shifted.csv"), toCsv(data.header, data.shifted));
    await writeFile(file("telco-v2.csv"), toCsv(data.header, [...data.v1, ...data.shifted]));
    await writeFile(file("corrupt.csv"), toCsv(data.corrupt.header, data.corrupt.rows));
    await writeFile(file("churn-first.yaml"), pipelineYaml("churn"));
    await writeFile(file("churn-retrain.yaml"), pipelineYaml("churn-retrain"));

    // 2. Data v1 → first champion.
    say.heading("Telco data v1 → validate → train → gate → first champion → deployment");
    say.line(
      `data v1: rows 0–4999 of the Telco CSV (${data.v1.length} customers); holdout ${data.holdout.length} rows`,
    );
    const first = await this.runPipeline(pipelines, "churn-first.yaml", {
      file: "telco-v1.csv",
      trees: String(CHAMPION_PARAMS.n_estimators),
      learning_rate: String(CHAMPION_PARAMS.learning_rate),
      max_depth: String(CHAMPION_PARAMS.max_depth),
    });
    if (first.run.status !== "succeeded") return false;
    const v1 = first.outputs.train?.version;
    say.line(`champion promoted: churn/${v1} is churn@champion; deployment '${DEPLOYMENT}' serves churn@champion`);
    await api.updateDeployment({ name: DEPLOYMENT, routing_key: "customerID" });
    say.line("deployment routes by customerID (sticky canary assignment per customer)");
    await this.waitServing();

    // 3. Everyday traffic and outcomes; a monitor watches the inputs.
    say.heading("Customer traffic and outcomes");
    const traffic = new Traffic(this.url, DEPLOYMENT, data.header, this.fetch);
    await traffic.send(data.everyday.slice(0, 600), 10, 2);
    say.line(
      `sent ${traffic.totals.rows} customers in ${traffic.totals.requests} requests to /deployments/churn/invocations; ${traffic.totals.feedback} outcomes to /feedback`,
    );
    await api.setMonitor({
      name: DEPLOYMENT,
      interval_ms: 1000,
      window_rows: 400,
      drift_share: 0.25,
      min_labels: 50,
      alerts: [{ rule: "dataset_drift", pipeline: "churn-retrain" }],
      notify: [{ type: "log" }],
    });
    say.line(
      "monitor set: `modelworks monitor set churn --interval 1s --window-rows 400 --drift-share 0.25 --alert dataset-drift,pipeline=churn-retrain --notify log`",
    );
    await sleep(1500);
    say.line(
      `alerts so far: ${this.fired.length === 0 ? "none (inputs look like the training data)" : this.fired.map((a) => a.rule).join(", ")}`,
    );

    // 4. The world shifts.
    say.heading("A shifted batch arrives → drift alert → retrain → gate → canary");
    const share = (rows: string[][], col: string, value: string) =>
      rows.filter((r) => r[data.header.indexOf(col)] === value).length / rows.length;
    const mean = (rows: string[][], col: string) =>
      rows.reduce((a, r) => a + Number(r[data.header.indexOf(col)]), 0) / rows.length;
    say.line(
      `shifted batch: ${data.shifted.length} customers; Month-to-month ${pct(share(data.v1, "Contract", "Month-to-month"))} → ${pct(share(data.shifted, "Contract", "Month-to-month"))}, mean MonthlyCharges ${mean(data.v1, "MonthlyCharges").toFixed(1)} → ${mean(data.shifted, "MonthlyCharges").toFixed(1)}`,
    );
    const before = this.fired.length;
    await traffic.send(data.shifted.slice(0, 600), 10, 2);
    say.line(`sent ${600} shifted customers as traffic; waiting for the monitor`);
    const alert = await until(() => this.fired.slice(before).find((a) => a.rule === "dataset_drift"), 20_000);
    if (!alert) {
      say.line("✘ no drift alert within 20 s");
      return false;
    }
    say.line(`ALERT dataset_drift fired on ${DEPLOYMENT}: ${alert.message}`);
    const drifted = await this.driftedFeatures();
    if (drifted) say.detail(`drifted features: ${drifted}`);
    this.reportPath = join(this.dataDir, "drift-report.html");
    await this.writeDriftReport(file("telco-v1.csv"), file("shifted.csv"), this.reportPath);

    say.line("the alert triggers pipeline churn-retrain on data v2 = v1 + the shifted batch");
    // Customers keep coming while the pipeline runs: its deploy step starts the canary on live traffic.
    const load = traffic.loop([...data.shifted, ...data.everyday], 8, 2, 3, 5);
    const retrain = await this.runPipeline(
      pipelines,
      "churn-retrain.yaml",
      {
        file: "telco-v2.csv",
        trees: String(CHALLENGER_PARAMS.n_estimators),
        learning_rate: String(CHALLENGER_PARAMS.learning_rate),
        max_depth: String(CHALLENGER_PARAMS.max_depth),
      },
      "alert",
    );
    const gate = retrain.outputs.gate ?? {};
    const v2 = retrain.outputs.train?.version;
    if (retrain.run.status !== "succeeded" || !gate.promote) {
      await load.stop();
      return false;
    }
    say.line(
      `the deploy step started a canary of churn/${v2}: steps 5,25,50,100 every 1.5 s, rollback after 2 failed analyses, score PSI ≤ 3 (a retrained, larger model is meant to score differently)`,
    );
    const good = await followRollout(this.say, this.api, DEPLOYMENT);
    await load.stop();
    if (good !== "succeeded") return false;
    say.line(`challenger promoted: churn/${v2} is now churn@champion (5 → 25 → 50 → 100 %)`);

    // 5. A broken candidate.
    say.heading("A broken candidate is rolled back automatically");
    const bad = await faultModel(this.conn, `churn/${v2}`, {
      fail_when: { column: "Contract", values: ["Two year"] },
    });
    say.line(
      `registered churn/${bad.model.version}: a copy of churn/${v2} that fails on Contract=Two year (\`modelworks models fault churn/${v2} --fail-when "Contract=Two year"\`)`,
    );
    const load2 = traffic.loop([...data.everyday, ...data.holdout], 8, 0, 3, 5);
    const broken = await this.rollout(`churn/${bad.model.version}`, 1);
    await load2.stop();
    if (broken !== "rolled_back") return false;
    say.line(`broken candidate rolled back: churn@champion is still churn/${v2}`);

    // 6. A corrupt batch.
    say.heading("A corrupt batch is stopped at validation");
    say.line(
      `corrupt batch: ${data.corrupt.rows.length} rows, negative tenure, Contract='Decade', PaymentMethod column missing`,
    );
    const corrupt = await this.runPipeline(pipelines, "churn-retrain.yaml", { file: "corrupt.csv" });
    const failedStep = corrupt.failedStep;
    if (corrupt.run.status !== "failed" || failedStep !== "validate") {
      say.line(`✘ expected the run to fail at validate, got ${corrupt.run.status} (${failedStep ?? "-"})`);
      return false;
    }
    say.line(`NOTICE pipeline churn-retrain run ${corrupt.run.id} failed validation; nothing was trained or deployed`);
    return true;
  }

  /** Start a canary and narrate its events until it ends; returns the final phase. */
  private async rollout(candidate: string, threshold: number): Promise<string> {
    await this.api.startRollout({
      name: DEPLOYMENT,
      candidate,
      steps: [5, 25, 50, 100],
      interval_ms: INTERVAL_MS,
      threshold,
      thresholds: { min_requests: 10 },
    });
    this.say.line(
      `rollout of ${candidate} started: steps 5,25,50,100 every 1.5 s, rollback after ${threshold} failed analysis(es)`,
    );
    return followRollout(this.say, this.api, DEPLOYMENT);
  }

  /** Run a pipeline file under the demo folder, narrating each step. */
  private runPipeline(pipelines: Pipelines, name: string, params: Record<string, string>, trigger?: string) {
    return narratePipelineRun(this.say, pipelines, join(this.dataDir, name), params, trigger);
  }

  /** Wait until the deployment answers. */
  private async waitServing(): Promise<void> {
    const ok = await until(async () => {
      const res = await this.fetch(`${this.url}/deployments/${DEPLOYMENT}/invocations`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ dataframe_records: [] }),
      }).catch(() => undefined);
      await res?.arrayBuffer();
      return res && res.status !== 404 && res.status !== 503 ? true : undefined;
    }, 10_000);
    if (!ok) this.say.line("warning: the deployment is not serving yet");
  }

  private async driftedFeatures(): Promise<string | undefined> {
    const status = (await this.api.getMonitor({ name: DEPLOYMENT })) as unknown as {
      results?: { drift?: { columns?: { column: string; drifted: boolean; score?: number }[] } }[];
    };
    const cols = status.results?.[0]?.drift?.columns;
    if (!Array.isArray(cols)) return undefined;
    return cols
      .filter((c) => c.drifted)
      .map((c) => c.column)
      .join(", ");
  }

  private async writeDriftReport(reference: string, current: string, out: string): Promise<void> {
    const lines: string[] = [];
    const io: CliIo = { out: (l) => lines.push(l), err: (l) => lines.push(l), env: {}, cwd: this.home };
    const code = await driftCommand(
      ["--reference", reference, "--current", current, "--html", out, "--home", this.home],
      io,
    );
    const summary = lines
      .join("\n")
      .split("\n")
      .find((l) => /drift/i.test(l));
    this.say.line(`drift report v1 vs shifted batch written (exit ${code}): ${resolve(out)}`);
    if (summary) this.say.detail(summary.trim().slice(0, 160));
  }
}

function pct(x: number): string {
  return `${(x * 100).toFixed(0)} %`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Poll `f` every 100 ms until it returns a value or `timeoutMs` passes. */
async function until<T>(f: () => T | undefined | Promise<T | undefined>, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) return undefined;
    await sleep(100);
  }
}
