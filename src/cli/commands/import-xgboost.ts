/** `modelworks models import-xgboost FILE --name NAME`: register an XGBoost JSON model. */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { invalidParam } from "../../core/errors.js";
import { type ModelPackage, manifestDocument } from "../../learn/package/model-package.js";
import { loadXgboostModel } from "../../learn/xgboost/xgboost-model.js";
import type { Connection } from "../cli-context.js";
import { artifactRoot, experimentFor, register, uploadPackage } from "./training-run.js";

/** Import and register; returns the run and the new model version. */
export async function importXgboost(
  conn: Connection,
  file: string,
  options: { name: string; experiment?: string; cwd: string },
): Promise<{ run_id: string; name: string; version: string; objective: string; trees: number }> {
  const path = resolve(options.cwd, file);
  const text = await readFile(path, "utf8").catch(() => {
    throw invalidParam(`Cannot read the XGBoost model file '${file}'.`);
  });
  const model = loadXgboostModel(text);
  const json = JSON.parse(text) as unknown;
  const names = model.featureNames ?? Array.from({ length: model.numFeatures }, (_, i) => `f${i}`);
  const pkg: ModelPackage = {
    algo: "xgboost",
    model: json,
    signature: {
      task: model.objective === "binary:logistic" ? "binary" : "regression",
      inputs: names.map((name) => ({ name, type: "float" as const })),
      ...(model.objective === "binary:logistic" ? { threshold: 0.5 } : {}),
    },
  };
  const api = conn.api;
  const experimentId = await experimentFor(api, options.experiment);
  const digest = createHash("sha256").update(text).digest("hex");
  const { run } = await api.createRun({
    experiment_id: experimentId,
    run_name: `import-${basename(path)}`,
    tags: [
      { key: "mlflow.source.name", value: "modelworks models import-xgboost" },
      { key: "modelworks.imported_from", value: path },
      { key: "modelworks.model_digest", value: digest },
    ],
  });
  const runId = run.info.run_id;
  pkg.runId = runId;
  await api.logBatch({
    run_id: runId,
    params: [
      { key: "algo", value: "xgboost" },
      { key: "objective", value: model.objective },
      { key: "num_trees", value: String(model.numTrees) },
    ],
  });
  await uploadPackage(conn, artifactRoot(run.info.artifact_uri), pkg);
  const manifest = { ...manifestDocument(pkg), run_id: runId, utc_time_created: new Date().toISOString() };
  await api.logModel({ run_id: runId, model_json: JSON.stringify(manifest) });
  const version = await register(api, options.name, run.info.artifact_uri, runId);
  await api.updateRun({ run_id: runId, status: "FINISHED", end_time: Date.now() });
  return { run_id: runId, ...version, objective: model.objective, trees: model.numTrees };
}
