/**
 * Load whole runs (info, latest metrics, params, tags, dataset inputs) for a list of ids. Metrics,
 * params and tags come in the order they were first logged, as MLflow's SQL store lists them.
 */
import type { DatasetInput, KeyValue, Run } from "../../core/api/mlflow-entities.js";
import type { Queryable } from "../../core/db/database.js";
import { INSERTION_ORDER } from "../../core/db/insertion-order.js";
import { attachModelLinks } from "../logged-models/model-links.js";
import type { MetricRow, RunRow } from "./rows.js";
import { groupBy, placeholders, toMetric, toRunInfo } from "./rows.js";

interface KvRow extends KeyValue {
  run_uuid: string;
}

interface InputRow {
  run_uuid: string;
  dataset_uuid: string;
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema: string | null;
  profile: string | null;
}

interface InputTagRow extends KeyValue {
  run_uuid: string;
  dataset_uuid: string;
}

/** Runs in the order of `ids`; ids that do not exist are skipped. */
export async function loadRuns(db: Queryable, ids: readonly string[]): Promise<Run[]> {
  if (ids.length === 0) return [];
  const ph = placeholders(ids.length);
  const [runs, metrics, params, tags, inputs, inputTags] = await Promise.all([
    db.all<RunRow>(`SELECT * FROM runs WHERE run_uuid IN (${ph})`, ids),
    db.all<MetricRow & { run_uuid: string }>(
      // Series ids are allocated as keys are first logged: this is MLflow's first-logged order.
      `SELECT run_uuid, key, value, is_nan, timestamp, step FROM latest_metrics WHERE run_uuid IN (${ph}) ORDER BY series_id`,
      ids,
    ),
    db.all<KvRow>(`SELECT run_uuid, key, value FROM params WHERE run_uuid IN (${ph}) ORDER BY ${INSERTION_ORDER}`, ids),
    db.all<KvRow>(`SELECT run_uuid, key, value FROM tags WHERE run_uuid IN (${ph}) ORDER BY ${INSERTION_ORDER}`, ids),
    db.all<InputRow>(
      `SELECT i.run_uuid, d.dataset_uuid, d.name, d.digest, d.source_type, d.source, d.schema, d.profile
       FROM run_inputs i JOIN datasets d ON d.dataset_uuid = i.dataset_uuid
       WHERE i.run_uuid IN (${ph}) ORDER BY i.position`,
      ids,
    ),
    db.all<InputTagRow>(
      `SELECT run_uuid, dataset_uuid, key, value FROM run_input_tags WHERE run_uuid IN (${ph}) ORDER BY key`,
      ids,
    ),
  ]);
  const byId = new Map(runs.map((r) => [r.run_uuid, r]));
  const m = groupBy(metrics, (r) => r.run_uuid);
  const p = groupBy(params, (r) => r.run_uuid);
  const t = groupBy(tags, (r) => r.run_uuid);
  const inp = groupBy(inputs, (r) => r.run_uuid);
  const itags = groupBy(inputTags, (r) => `${r.run_uuid}/${r.dataset_uuid}`);
  const out: Run[] = [];
  for (const id of ids) {
    const row = byId.get(id);
    if (!row) continue;
    out.push(assemble(row, m.get(id), p.get(id), t.get(id), inp.get(id), itags));
  }
  return attachModelLinks(db, out);
}

function kv(rows: readonly KvRow[] | undefined): KeyValue[] | undefined {
  return rows?.map((r) => ({ key: r.key, value: r.value }));
}

function assemble(
  row: RunRow,
  metrics: MetricRow[] | undefined,
  params: KvRow[] | undefined,
  tags: KvRow[] | undefined,
  inputs: InputRow[] | undefined,
  inputTags: Map<string, InputTagRow[]>,
): Run {
  const data: Run["data"] = {};
  if (metrics) data.metrics = metrics.map(toMetric);
  if (params) data.params = kv(params);
  if (tags) data.tags = kv(tags);
  const run: Run = { info: toRunInfo(row), data, inputs: {} };
  if (inputs)
    run.inputs.dataset_inputs = inputs.map((i) => toDatasetInput(i, inputTags.get(`${i.run_uuid}/${i.dataset_uuid}`)));
  return run;
}

function toDatasetInput(i: InputRow, tags: InputTagRow[] | undefined): DatasetInput {
  const dataset: DatasetInput["dataset"] = {
    name: i.name,
    digest: i.digest,
    source_type: i.source_type,
    source: i.source,
  };
  if (i.schema !== null) dataset.schema = i.schema;
  if (i.profile !== null) dataset.profile = i.profile;
  const out: DatasetInput = { dataset };
  if (tags) out.tags = tags.map((t) => ({ key: t.key, value: t.value }));
  return out;
}
