/**
 * A Modelworks home filled by the real CLI — `demo --exit` (datasets, runs, models with aliases, the
 * `churn` deployment with rollouts, monitor results, alerts, pipeline runs), one more `train`, a
 * `drift --html` report (uploaded as an artifact of that run) — served by `modelworks up`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { homeFetch } from "../../../src/cli/test-support/home-auth.js";
import type { SpawnedCli } from "../../../src/cli/test-support/spawn-cli.js";
import { spawnCli } from "../../../src/cli/test-support/spawn-cli.js";
import type { CliResult } from "./run-cli.js";
import { REPO_ROOT, runCli, runCliOk } from "./run-cli.js";

export const WEB_INDEX = join(REPO_ROOT, "dist", "web", "index.html");

export interface UiFixture {
  root: string;
  home: string;
  /** `http://127.0.0.1:PORT` of `modelworks up`. */
  url: string;
  /** The demo's exit status: 1 when its story went differently (timing on a busy machine); the data is there. */
  demo: CliResult;
  /** The run and model version of the extra `modelworks train` (experiment `ui-tests`). */
  trained: { runId: string; experimentId: string; model: string; version: string };
  /** A second, unregistered training run in `ui-tests` with other params (for search and comparison). */
  otherRunId: string;
  /** The version of dataset `telco` holding the demo's corrupt batch (fails validation against version 1's schema). */
  corruptVersion: number;
  /** The drift report written by `modelworks drift --html`, also stored as the trained run's `drift-report.html`. */
  driftReport: string;
  up: SpawnedCli;
  /** Seconds each CLI step took, for the test log. */
  timings: Record<string, number>;
  close(): Promise<void>;
}

/** Environment for the CLI children (runCli drops inherited MODELWORKS_* settings). */
function cliEnv(home: string): Record<string, string> {
  return { MODELWORKS_HOME: home };
}

/** Fill a fresh home with the CLI and start `modelworks up --json` on it. */
export async function startUiFixture(): Promise<UiFixture> {
  if (!existsSync(WEB_INDEX))
    throw new Error(
      `${WEB_INDEX} is missing: build the UI first (npm run build, or npx vite build --config web/vite.config.ts)`,
    );
  const root = mkdtempSync(join(tmpdir(), "mw-web-ui-"));
  const home = join(root, "home");
  const env = cliEnv(home);
  const timings: Record<string, number> = {};
  try {
    const demo = await runCli(["demo", "--exit", "--port", "0", "--home", home], env);
    timings.demo = demo.seconds;
    if (demo.code !== 0 && !/did not go as planned/.test(demo.stdout))
      throw new Error(`modelworks demo exited ${demo.code}\n${demo.stderr.slice(-2000)}\n${demo.stdout.slice(-3000)}`);

    const train = await runCliOk(
      [
        ...["train", "--data", "telco@1", "--label", "Churn", "--experiment", "ui-tests", "--register", "churn"],
        ...["--param", "n_estimators=20", "--param", "max_depth=2", "--home", home, "--json"],
      ],
      env,
    );
    timings.train = train.seconds;
    const trainedOut = JSON.parse(train.stdout) as { run_id: string; model: { name: string; version: string } };
    const other = await runCliOk(
      [
        ...["train", "--data", "telco@1", "--label", "Churn", "--experiment", "ui-tests"],
        ...["--param", "n_estimators=10", "--param", "max_depth=3", "--param", "learning_rate=0.2"],
        ...["--home", home, "--json"],
      ],
      env,
    );
    timings.train += other.seconds;

    // The demo ingests its corrupt batch when its story gets that far; adding the same bytes again is a no-op.
    const corrupt = await runCliOk(
      ["data", "add", join(home, "demo", "corrupt.csv"), "--name", "telco", "--home", home, "--json"],
      env,
    );
    const corruptVersion = (JSON.parse(corrupt.stdout) as { dataset_version: { version: number } }).dataset_version
      .version;

    const driftReport = join(root, "drift-report.html");
    const drift = await runCliOk(
      ["drift", "--reference", "telco@1", "--current", join(home, "demo", "shifted.csv"), "--html", driftReport],
      env,
    );
    timings.drift = drift.seconds;

    const upStarted = performance.now();
    const up = await spawnCli(["up", "--home", home, "--port", "0", "--json"], env);
    timings.up = (performance.now() - upStarted) / 1000;
    const { url } = JSON.parse(up.firstLine) as { url: string };
    try {
      const experimentId = await uploadArtifact(
        { url, home },
        trainedOut.run_id,
        "drift-report.html",
        readFileSync(driftReport),
      );
      return {
        root,
        home,
        url,
        demo,
        trained: {
          runId: trainedOut.run_id,
          experimentId,
          model: trainedOut.model.name,
          version: trainedOut.model.version,
        },
        corruptVersion,
        otherRunId: (JSON.parse(other.stdout) as { run_id: string }).run_id,
        driftReport,
        up,
        timings,
        close: async () => {
          await up.stop();
          rmSync(root, { recursive: true, force: true });
        },
      };
    } catch (e) {
      await up.stop();
      throw e;
    }
  } catch (e) {
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
}

/** PUT a file into a run's artifacts through the server's artifact proxy; resolves to the run's experiment id. */
async function uploadArtifact({ url, home }: SignedServer, runId: string, name: string, body: Buffer): Promise<string> {
  const fetch = homeFetch(home);
  const got = await fetch(`${url}/api/2.0/mlflow/runs/get?run_id=${runId}`);
  const { run } = (await got.json()) as { run: { info: { artifact_uri: string; experiment_id: string } } };
  const rest = run.info.artifact_uri.replace(/^mlflow-artifacts:\/*/, "");
  const put = await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/${rest}/${name}`, {
    method: "PUT",
    headers: { "content-type": "text/html" },
    body,
  });
  if (!put.ok) throw new Error(`artifact upload answered ${put.status}: ${await put.text()}`);
  return run.info.experiment_id;
}

/** A server and the home whose admin token signs requests to it in. */
export interface SignedServer {
  url: string;
  home: string;
}

/** GET a JSON API path of the fixture's server as its admin (asserting 2xx). */
export async function getJson<T>({ url, home }: SignedServer, path: string): Promise<T> {
  const r = await homeFetch(home)(url + path);
  if (!r.ok) throw new Error(`GET ${path} answered ${r.status}: ${await r.text()}`);
  return (await r.json()) as T;
}

/** POST JSON to the fixture's server as its admin (asserting 2xx). */
export async function postJson<T>({ url, home }: SignedServer, path: string, body: unknown): Promise<T> {
  const r = await homeFetch(home)(url + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!r.ok) throw new Error(`POST ${path} answered ${r.status}: ${await r.text()}`);
  return (await r.json()) as T;
}
