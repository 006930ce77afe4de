/** `modelworks train`: fit a model on a dataset version or file, track the run, optionally register it. */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gitCommitOf } from "../../data/versions/git-commit.js";
import type { Algo, Task } from "../../learn/train/train-params.js";
import { paramsAsStrings, resolveTaskParams, TASKS } from "../../learn/train/train-params.js";
import type { CliIo } from "../cli-context.js";
import { CliError, CONNECTION_FLAGS, connect } from "../cli-context.js";
import { loadTrainingData } from "./training-data.js";
import { joinServiceFeatures, retrievalTarget } from "./training-features.js";
import { runTraining } from "./training-run.js";

export const TRAIN_HELP = `Usage: modelworks train --data NAME[@VERSION]|FILE --label COL [--eval NAME[@VERSION]|FILE]
                        [--task binary|regression] [--algo gbdt|linear] [--param k=v]...
                        [--experiment NAME] [--register MODEL] [--seed N] [--positive VALUE]
                        [--slice COL] [--features SERVICE [--event-time COL]] [--json]

Fits a binary classifier (histogram GBDT by default, or L2 logistic regression) and records a
tracking run: params, train/validation loss per iteration, evaluation metrics (ROC-AUC, PR-AUC,
log loss, Brier, F1 at 0.5 and at the best threshold, calibration, lift), tags (git commit, data
digest, seed, lockfile digest), the dataset input, and artifacts (the model package, feature
importance, the evaluation report). Without --eval a seeded stratified 80/20 split is used.
--task regression fits a GBDT with squared error (objective reg:squarederror) on a numeric label
instead: metrics RMSE, MAE and R², a seeded random 80/20 split, and a package whose signature's
task is regression (no --positive, --slice or --algo linear). Default --task binary.
--register MODEL creates a model version linked to the run.
GBDT params (defaults): n_estimators (200), learning_rate (0.05), max_depth (3), max_leaves, min_child_weight (1),
lambda (1), gamma (0), subsample (1), colsample_bytree (1), max_bin (256), early_stopping_rounds.
Linear params: C (1), max_iter (1000), tol (1e-8). --seed (default 42) drives the split and subsampling.
--features SERVICE joins the feature service's features onto the rows first, point in time: the data
holds the join keys and a time column (--event-time, default event_timestamp), which are then left out
of the model's inputs. The run records the service, the registry version and each source's dataset
version and digest, so 'runs reproduce' rebuilds the same training set.`;

/** Run the `train` command. */
export async function trainCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...CONNECTION_FLAGS,
      data: { type: "string" },
      label: { type: "string" },
      eval: { type: "string" },
      algo: { type: "string" },
      task: { type: "string" },
      param: { type: "string", multiple: true },
      experiment: { type: "string" },
      register: { type: "string" },
      seed: { type: "string" },
      positive: { type: "string" },
      slice: { type: "string" },
      features: { type: "string" },
      "event-time": { type: "string" },
    },
  });
  if (values.help) {
    io.out(TRAIN_HELP);
    return 0;
  }
  if (!values.data) throw new CliError("train needs --data NAME[@VERSION]|FILE");
  if (!values.label) throw new CliError("train needs --label COL");
  if (values["event-time"] && !values.features) throw new CliError("--event-time needs --features SERVICE");
  const algo = (values.algo ?? "gbdt") as Algo;
  if (algo !== "gbdt" && algo !== "linear") throw new CliError(`--algo must be gbdt or linear, got '${values.algo}'`);
  const seed = values.seed === undefined ? 42 : Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new CliError(`--seed must be a non-negative integer, got '${values.seed}'`);
  const task = (values.task ?? "binary") as Task;
  if (!TASKS.includes(task)) throw new CliError(`--task must be binary or regression, got '${values.task}'`);
  // Everything the user typed is checked before any data is read or any run is created.
  const params = resolveTaskParams(task, algo, values.param ?? []);
  const conn = await connect(values, io);
  try {
    let data = await loadTrainingData(values.data, io.cwd, conn.platform, "training");
    let evalData = values.eval ? await loadTrainingData(values.eval, io.cwd, conn.platform, "evaluation") : undefined;
    const features = values.features
      ? await joinServiceFeatures(retrievalTarget(conn, values, io), io.cwd, data, evalData, {
          service: values.features,
          eventTime: values["event-time"],
        })
      : undefined;
    if (features) ({ data, evalData } = features);
    const result = await runTraining(conn, {
      data,
      evalData,
      label: values.label,
      algo,
      params,
      seed,
      experiment: values.experiment,
      register: values.register,
      positive: values.positive,
      slice: values.slice,
      tags: [...(await codeTags(io.cwd, seed, data.digest)), ...(features?.tags ?? [])],
      ...(features ? { inputs: features.inputs } : {}),
      paramList: [
        { key: "algo", value: algo },
        { key: "label", value: values.label },
        { key: "data", value: data.ref },
        ...(evalData ? [{ key: "eval_data", value: evalData.ref }] : []),
        ...(values.positive ? [{ key: "positive_class", value: values.positive }] : []),
        ...(values.slice ? [{ key: "slice", value: values.slice }] : []),
        ...(features?.params ?? []),
        ...paramsAsStrings(params),
      ],
      progress: values.json ? () => {} : (line) => io.err(line),
    });
    if (values.json) io.out(JSON.stringify(result, null, 2));
    else {
      const m = result.metrics;
      io.out(
        task === "regression"
          ? `Run ${result.run_id}: rmse ${fmt(m.rmse)}, mae ${fmt(m.mae)}, r2 ${fmt(m.r2)}`
          : `Run ${result.run_id}: roc_auc ${fmt(m.roc_auc)}, pr_auc ${fmt(m.pr_auc)}, log_loss ${fmt(m.log_loss)}`,
      );
      if (result.model) io.out(`Registered ${result.model.name} version ${result.model.version}`);
    }
    return 0;
  } finally {
    await conn.close();
  }
}

function fmt(v: number | null | undefined): string {
  return v === null || v === undefined ? "n/a" : v.toFixed(4);
}

/** Tags that pin the code and inputs a run used. */
async function codeTags(cwd: string, seed: number, digest: string) {
  const commit = await gitCommitOf(cwd);
  const lock = await lockfileDigest();
  return [
    { key: "mlflow.source.name", value: "modelworks train" },
    { key: "mlflow.source.type", value: "LOCAL" },
    ...(commit ? [{ key: "mlflow.source.git.commit", value: commit }] : []),
    { key: "modelworks.data_digest", value: digest },
    { key: "modelworks.seed", value: String(seed) },
    ...(lock ? [{ key: "modelworks.lockfile_digest", value: lock }] : []),
  ];
}

/** SHA-256 of the package-lock.json this platform was installed from (its dependency versions). */
export async function lockfileDigest(): Promise<string | undefined> {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const text = await readFile(join(dir, "package-lock.json")).catch(() => undefined);
    if (text) return createHash("sha256").update(text).digest("hex");
    dir = dirname(dir);
  }
  return undefined;
}
