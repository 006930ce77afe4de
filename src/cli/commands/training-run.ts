/** One tracked training: create the run, fit, log history/metrics/artifacts/inputs, register. */
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { DatasetInput, KeyValue } from "../../core/api/mlflow-entities.js";
import { invalidParam, isMwError } from "../../core/errors.js";
import type { Table } from "../../data/table.js";
import type { BinaryEvaluation, RegressionEvaluation } from "../../learn/metrics/types.js";
import { canonicalJson, manifestDocument, writeModelPackage } from "../../learn/package/model-package.js";
import { checkFitInputs, fitModel } from "../../learn/train/fit-model.js";
import type { Algo, ResolvedParams } from "../../learn/train/train-params.js";
import { prepareReference, referenceToJson } from "../../monitoring/drift/drift-reference.js";
import type { MlflowApi } from "../../sdk/mlflow-client.js";
import { proxiedPath } from "../../tracking/artifacts/proxied-uri.js";
import type { Connection } from "../cli-context.js";
import type { TrainingData } from "./training-data.js";

export interface TrainingRunOptions {
  data: TrainingData;
  evalData?: TrainingData;
  label: string;
  algo: Algo;
  params: ResolvedParams;
  seed: number;
  experiment?: string;
  register?: string;
  positive?: string;
  slice?: string;
  tags: KeyValue[];
  paramList: KeyValue[];
  /** More inputs to record (e.g. the feature sources' dataset versions). */
  inputs?: DatasetInput[];
  progress: (line: string) => void;
}

/** The `train --json` contract (DESIGN.md). */
export interface TrainingResult {
  run_id: string;
  model: { name: string; version: string } | null;
  metrics: Record<string, number | null>;
}

/** Run a tracked training; the run ends FAILED (and the error is rethrown) when anything fails. */
export async function runTraining(conn: Connection, o: TrainingRunOptions): Promise<TrainingResult> {
  const api = conn.api;
  const fitOptions = {
    label: o.label,
    algo: o.algo,
    params: o.params,
    seed: o.seed,
    ...(o.evalData ? { evalTable: o.evalData.table } : {}),
    ...(o.positive ? { positiveClass: o.positive } : {}),
    ...(o.slice ? { sliceColumn: o.slice } : {}),
    ...(o.data.profile ? { referenceProfile: o.data.profile } : {}),
  };
  checkFitInputs(o.data.table, fitOptions);
  const experimentId = await experimentFor(api, o.experiment);
  const { run } = await api.createRun({ experiment_id: experimentId, start_time: Date.now(), tags: o.tags });
  const runId = run.info.run_id;
  try {
    await api.logBatch({ run_id: runId, params: o.paramList });
    await api.logInputs({
      run_id: runId,
      datasets: [o.data.input, ...(o.evalData ? [o.evalData.input] : []), ...(o.inputs ?? [])],
    });
    const history: { key: string; value: number; timestamp: number; step: number }[] = [];
    o.progress(`training ${o.algo} on ${o.data.table.numRows} rows (run ${runId})`);
    const fit = await fitModel(o.data.table, {
      ...fitOptions,
      onIteration: (i, train, valid) => {
        const t = Date.now();
        history.push({ key: "train_loss", value: train, timestamp: t, step: i });
        if (valid !== undefined) history.push({ key: "valid_loss", value: valid, timestamp: t, step: i });
      },
    });
    fit.package.runId = runId;
    fit.package.driftReference = trainingDriftReference(o.data.table);
    for (let i = 0; i < history.length; i += 1000) {
      await api.logBatch({ run_id: runId, metrics: history.slice(i, i + 1000) });
    }
    const metrics = summaryMetrics(fit.evaluation);
    const now = Date.now();
    await api.logBatch({
      run_id: runId,
      metrics: Object.entries(metrics)
        .filter((e): e is [string, number] => e[1] !== null)
        .map(([key, value]) => ({ key, value, timestamp: now, step: 0 })),
    });
    const root = artifactRoot(run.info.artifact_uri);
    await uploadPackage(conn, root, fit.package);
    await putText(conn, `${root}/feature_importance.json`, canonicalJson(fit.featureImportance));
    await putText(conn, `${root}/evaluation.json`, `${JSON.stringify(fit.evaluation, null, 2)}\n`);
    const manifest = { ...manifestDocument(fit.package), run_id: runId, utc_time_created: new Date(now).toISOString() };
    await api.logModel({ run_id: runId, model_json: JSON.stringify(manifest) });
    const model = o.register ? await register(api, o.register, run.info.artifact_uri, runId) : null;
    await api.updateRun({ run_id: runId, status: "FINISHED", end_time: Date.now() });
    return { run_id: runId, model, metrics };
  } catch (e) {
    await api.updateRun({ run_id: runId, status: "FAILED", end_time: Date.now() }).catch(() => {});
    throw e;
  }
}

/** The training data as the package's drift reference: a seeded 5,000-row sample, so the bytes are reproducible. */
export function trainingDriftReference(table: Table): unknown {
  return referenceToJson(prepareReference(table, { maxSample: 5000, seed: 1 }));
}

/** The id of the named experiment (created when missing); Default when no name. */
export async function experimentFor(api: MlflowApi, name: string | undefined): Promise<string> {
  if (!name) return "0";
  try {
    return (await api.getExperimentByName({ experiment_name: name })).experiment.experiment_id;
  } catch (e) {
    if (!isMwError(e) || e.code !== "RESOURCE_DOES_NOT_EXIST") throw e;
    return (await api.createExperiment({ name })).experiment_id;
  }
}

/** The headline metrics logged on the run (and printed by `--json`): a classifier's, or a regression's rmse, mae and r2. */
export function summaryMetrics(e: BinaryEvaluation | RegressionEvaluation): Record<string, number | null> {
  if ("rmse" in e) return { rmse: e.rmse, mae: e.mae, r2: e.r2 };
  return {
    roc_auc: e.roc_auc,
    pr_auc: e.pr_auc,
    log_loss: e.log_loss,
    brier: e.brier,
    accuracy: e.default_threshold.accuracy,
    precision: e.default_threshold.precision,
    recall: e.default_threshold.recall,
    f1: e.default_threshold.f1,
    best_f1: e.best_f1_threshold.f1,
    best_f1_threshold: e.best_f1_threshold.threshold,
    lift_top_decile: e.lift_top_decile,
  };
}

/** The artifact-store path behind a run's artifact URI. */
export function artifactRoot(uri: string): string {
  const root = proxiedPath(uri);
  if (root === undefined) throw invalidParam(`The run's artifact location '${uri}' is not served by this platform.`);
  return root;
}

/** Write a package to a temp folder and upload it under `<root>/model`. */
export async function uploadPackage(conn: Connection, root: string, pkg: Parameters<typeof writeModelPackage>[1]) {
  const dir = await mkdtemp(join(tmpdir(), "mw-model-"));
  try {
    for (const file of await writeModelPackage(dir, pkg)) {
      await conn.artifacts.put(`${root}/model/${file}`, createReadStream(join(dir, file)));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function putText(conn: Connection, path: string, text: string): Promise<void> {
  await conn.artifacts.put(path, Readable.from([Buffer.from(text)]));
}

/** Register the run's `model` folder as a new version of `name` (creating the model if needed). */
export async function register(api: MlflowApi, name: string, artifactUri: string, runId: string) {
  await api.createRegisteredModel({ name }).catch((e: unknown) => {
    if (!isMwError(e) || e.code !== "RESOURCE_ALREADY_EXISTS") throw e;
  });
  const { model_version } = await api.createModelVersion({ name, source: `${artifactUri}/model`, run_id: runId });
  return { name, version: model_version.version };
}
