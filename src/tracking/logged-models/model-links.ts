/**
 * The links between runs and logged models: metrics logged with a `model_id`, models a run used
 * (`runs/log-inputs` `models`) and produced (`runs/outputs`), and how runs show them.
 */
import type { ModelInput, ModelOutput } from "../../core/api/logged-model-entities.js";
import type { Run } from "../../core/api/mlflow-entities.js";
import type { Queryable, SqlValue } from "../../core/db/database.js";
import { notFound } from "../../core/errors.js";
import { groupBy, placeholders } from "../sql/rows.js";
import type { MetricInput } from "../tracking-store.js";

/** The error for a logged model that does not exist (or was deleted). */
export function loggedModelNotFound(modelId: string) {
  return notFound(`Logged model with ID '${modelId}' not found.`);
}

/** Fail unless every id names an active logged model. */
export async function requireLoggedModels(tx: Queryable, modelIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(modelIds)];
  if (ids.length === 0) return;
  const found = await tx.all<{ model_id: string }>(
    `SELECT model_id FROM logged_models WHERE model_id IN (${placeholders(ids.length)}) AND lifecycle_stage = 'active'`,
    ids,
  );
  const have = new Set(found.map((r) => r.model_id));
  const missing = ids.find((id) => !have.has(id));
  if (missing !== undefined) throw loggedModelNotFound(missing);
}

/** Also record the batch's metrics that name a `modelId` as that model's metrics (the same point once). */
export async function writeModelMetrics(tx: Queryable, runId: string, metrics: readonly MetricInput[]): Promise<void> {
  const linked = metrics.filter((m) => m.modelId);
  if (linked.length === 0) return;
  await requireLoggedModels(
    tx,
    linked.map((m) => m.modelId as string),
  );
  const rows = new Map<string, SqlValue[]>();
  for (const m of linked) {
    const step = m.step ?? 0;
    const isNan = Number.isNaN(m.value) ? 1 : 0;
    rows.set(JSON.stringify([m.modelId, m.key, m.timestamp, step]), [
      m.modelId as string,
      m.key,
      m.timestamp,
      step,
      runId,
      isNan ? 0 : m.value,
      isNan,
      m.datasetName || null,
      m.datasetDigest || null,
    ]);
  }
  await tx.insertMany(
    "logged_model_metrics",
    ["model_id", "key", "timestamp", "step", "run_uuid", "value", "is_nan", "dataset_name", "dataset_digest"],
    [...rows.values()],
    "ON CONFLICT (model_id, key, timestamp, step, run_uuid) DO NOTHING",
  );
}

/** Append links of one direction to a run, in order; a link already there stays where it was. */
export async function writeRunModelLinks(
  tx: Queryable,
  runId: string,
  direction: "input" | "output",
  models: readonly { modelId: string; step: number }[],
): Promise<void> {
  if (models.length === 0) return;
  const count = await tx.get<{ n: number }>(
    "SELECT COUNT(*) AS n FROM run_model_links WHERE run_uuid = ? AND direction = ?",
    [runId, direction],
  );
  let position = Number(count?.n ?? 0);
  const rows = new Map<string, SqlValue[]>();
  for (const m of models) {
    const key = `${m.modelId}\u0000${m.step}`;
    if (!rows.has(key)) rows.set(key, [runId, direction, m.modelId, m.step, position++]);
  }
  await tx.insertMany(
    "run_model_links",
    ["run_uuid", "direction", "model_id", "step", "position"],
    [...rows.values()],
    "ON CONFLICT (run_uuid, direction, model_id, step) DO NOTHING",
  );
}

interface LinkRow {
  run_uuid: string;
  direction: "input" | "output";
  model_id: string;
  step: number;
}

/** Fill `inputs.model_inputs` and `outputs.model_outputs` of loaded runs (left out when empty). */
export async function attachModelLinks(db: Queryable, runs: Run[]): Promise<Run[]> {
  if (runs.length === 0) return runs;
  const ids = runs.map((r) => r.info.run_id);
  const rows = await db.all<LinkRow>(
    `SELECT run_uuid, direction, model_id, step FROM run_model_links WHERE run_uuid IN (${placeholders(ids.length)})
     ORDER BY run_uuid, direction, position`,
    ids,
  );
  const byRun = groupBy(rows, (r) => r.run_uuid);
  for (const run of runs) {
    const links = byRun.get(run.info.run_id);
    if (!links) continue;
    const inputs: ModelInput[] = links.filter((l) => l.direction === "input").map((l) => ({ model_id: l.model_id }));
    const outputs: ModelOutput[] = links
      .filter((l) => l.direction === "output")
      .map((l) => ({ model_id: l.model_id, step: l.step }));
    if (inputs.length > 0) run.inputs.model_inputs = inputs;
    if (outputs.length > 0) run.outputs = { model_outputs: outputs };
  }
  return runs;
}
