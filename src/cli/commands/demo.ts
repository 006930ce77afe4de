/**
 * `modelworks demo`: the churn story end to end on embedded storage (demo/churn-story.ts);
 * `--walkthrough`: start the tracking server and walk through logging to it the way an MLflow
 * client does, printing each step next to its MLflow Python equivalent.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { MlflowApi } from "../../sdk/mlflow-client.js";
import { createMlflowClient } from "../../sdk/mlflow-client.js";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS, intFlag } from "../cli-context.js";
import { clientAuthorization, fetchWithAuthorization } from "../client-auth.js";
import { churnStory } from "./demo/churn-story.js";
import { hardeningOf } from "./http-flags.js";
import { waitForSignal } from "./listen.js";
import { startServer } from "./server.js";

export const DEMO_HELP = `Usage: modelworks demo [--port 5000] [--home DIR] [--seed 1] [--exit] [--walkthrough] [--allowed-hosts H1,H2]

Tells the churn story end to end in one process on embedded storage (the platform as 'modelworks
up' runs it), narrating each event:
  1. Telco data v1 → validate → train → gate → first champion → deployment 'churn'
  2. customer traffic to /deployments/churn/invocations and outcomes to /feedback
  3. a shifted batch → the monitor's drift alert → the retraining pipeline on v1+v2 → the gate
     (challenger vs champion on the same holdout) → a canary 5→25→50→100 % → promoted
  4. a broken candidate (fails on Contract=Two year) rolled out and rolled back automatically
  5. a corrupt batch stopped at validation
then prints where the drift report, runs and events are, and keeps serving until Ctrl-C
(--exit stops at once). Data goes to --home, else MODELWORKS_HOME, else a fresh temporary folder;
a home that already holds data is refused. --seed makes the batches (deterministic per seed).

--walkthrough: the older tour instead — start the tracking server, log a small churn-model run
through the MLflow REST API (experiment, params, metric history, an artifact, a registered model
version and the 'champion' alias) and print each step next to its MLflow Python call.

--allowed-hosts H1,H2: host names the server answers to besides localhost and private-network
addresses (as for 'modelworks up'; env MODELWORKS_ALLOWED_HOSTS).`;

/** Run the walk-through. */
export async function demoCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...CONNECTION_FLAGS,
      port: { type: "string" },
      exit: { type: "boolean" },
      seed: { type: "string" },
      walkthrough: { type: "boolean" },
      "allowed-hosts": { type: "string" },
    },
  });
  if (values.help) {
    io.out(DEMO_HELP);
    return 0;
  }
  const port = Number(values.port ?? 5000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--port must be 0-65535, got '${values.port}'`);
  const hardening = hardeningOf(values, io.env);
  if (!values.walkthrough) {
    const seed = intFlag("seed", values.seed, 1, 0, 2 ** 31 - 1);
    if (values["tracking-uri"] || values.store || values.artifacts)
      throw new CliError("the demo runs on embedded storage: give --home (or nothing) instead");
    const given = values.home ?? io.env.MODELWORKS_HOME;
    const home = given === undefined ? undefined : resolve(io.cwd, given);
    if (home && existsSync(join(home, "modelworks.db")))
      throw new CliError(`${home} already holds a Modelworks store; the demo needs a fresh --home`);
    return churnStory({ port, seed, exit: values.exit === true, hardening, ...(home ? { home } : {}) }, io);
  }
  const server = await startServer({ ...values, host: "127.0.0.1", port, hardening }, io);
  try {
    io.out(`Modelworks tracking server on ${server.url} (embedded SQLite + local artifacts)\n`);
    const authed = fetchWithAuthorization(clientAuthorization(values, io));
    await walkThrough(createMlflowClient({ baseUrl: server.url, fetch: authed }), server.url, authed, io);
    io.out(`\nPoint any MLflow client at it:  export MLFLOW_TRACKING_URI=${server.url}`);
    io.out(`List what was logged:           npx modelworks runs ls --tracking-uri ${server.url}`);
    if (!values.exit) {
      io.out("Serving until Ctrl-C.");
      await waitForSignal();
    }
  } finally {
    await server.close();
  }
  return 0;
}

async function walkThrough(api: MlflowApi, url: string, fetch: typeof globalThis.fetch, io: CliIo): Promise<void> {
  const step = (py: string, what: string) => io.out(`  ${py.padEnd(58)} → ${what}`);
  const name = "churn-walkthrough";
  const found = await api.getExperimentByName({ experiment_name: name }).catch(() => undefined);
  const experimentId = found?.experiment.experiment_id ?? (await api.createExperiment({ name })).experiment_id;
  step(`mlflow.set_experiment("${name}")`, `experiment ${experimentId}`);

  const { run } = await api.createRun({
    experiment_id: experimentId,
    start_time: Date.now(),
    tags: [{ key: "mlflow.source.name", value: "modelworks demo" }],
  });
  const runId = run.info.run_id;
  step("mlflow.start_run()", `run ${runId} (${run.info.run_name})`);

  await api.logBatch({
    run_id: runId,
    params: [
      { key: "algo", value: "gbdt" },
      { key: "learning_rate", value: "0.1" },
      { key: "max_depth", value: "6" },
    ],
  });
  step('mlflow.log_params({"algo": "gbdt", ...})', "3 params");

  const now = Date.now();
  const metrics = Array.from({ length: 50 }, (_, i) => ({
    key: "train_loss",
    value: 0.6 * Math.exp(-i / 15) + 0.35,
    timestamp: now + i,
    step: i,
  }));
  await api.logBatch({
    run_id: runId,
    metrics: [...metrics, { key: "roc_auc", value: 0.846, timestamp: now, step: 0 }],
  });
  step('mlflow.log_metric("train_loss", v, step=i)  # × 50', "loss history + roc_auc=0.846");

  const artifactPath = `${experimentId}/${runId}/artifacts/model/MLmodel`;
  const mlmodel = `artifact_path: model\nflavors:\n  modelworks:\n    algo: gbdt\nrun_id: ${runId}\n`;
  const put = await fetch(`${url}/api/2.0/mlflow-artifacts/artifacts/${artifactPath}`, {
    method: "PUT",
    body: mlmodel,
  });
  if (!put.ok) throw new Error(`artifact upload failed: HTTP ${put.status}`);
  step('mlflow.log_artifact("MLmodel", "model")', "model/MLmodel uploaded (streamed PUT)");

  await api.updateRun({ run_id: runId, status: "FINISHED", end_time: Date.now() });
  step("mlflow.end_run()", "FINISHED");

  await api.createRegisteredModel({ name: "churn" }).catch(() => undefined);
  const { model_version } = await api.createModelVersion({
    name: "churn",
    source: `mlflow-artifacts:/${experimentId}/${runId}/artifacts/model`,
    run_id: runId,
  });
  step(`mlflow.register_model("runs:/${runId.slice(0, 6)}…/model", "churn")`, `churn v${model_version.version}`);

  await api.setRegisteredModelAlias({ name: "churn", alias: "champion", version: model_version.version });
  step(`client.set_registered_model_alias("churn", "champion", ${model_version.version})`, "alias set");

  const best = await api.searchRuns({
    experiment_ids: [experimentId],
    filter: "metrics.roc_auc > 0.8",
    order_by: ["metrics.roc_auc DESC"],
    max_results: 5,
  });
  step('mlflow.search_runs(filter_string="metrics.roc_auc > 0.8")', `${best.runs?.length ?? 0} run(s) match`);
}
