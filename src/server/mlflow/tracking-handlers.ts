/** MLflow tracking endpoints: parse → TrackingStore → wire response. */
import type { Run } from "../../core/api/mlflow-entities.js";
import type { MlflowRouteName } from "../../core/api/mlflow-routes.js";
import { invalidParam, MwError } from "../../core/errors.js";
import type { ArtifactStore } from "../../tracking/artifacts/artifact-store.js";
import type { MetricInput, TrackingStore } from "../../tracking/tracking-store.js";
import { listRunArtifacts } from "./artifact-paths.js";
import type { Handlers } from "./handlers.js";
import { keyValues, runIdOf } from "./handlers.js";
import { loggedModelHandlers } from "./logged-model-handlers.js";
import type { RegistryRouteName } from "./registry-handlers.js";

/** Every MLflow route that is not a registry route. */
export type TrackingRouteName = Exclude<MlflowRouteName, RegistryRouteName>;

/** Most points of one `metrics/get-history` answer, also when the call asks for more or names no `max_results`. */
export const HISTORY_PAGE_MAX = 25_000;

/** Handlers for every tracking route. */
export function trackingHandlers(deps: {
  tracking: TrackingStore;
  artifacts: ArtifactStore;
}): Handlers<TrackingRouteName> {
  const t = deps.tracking;
  return {
    createExperiment: async (r) => ({
      experiment_id: await t.createExperiment({
        name: r.name,
        artifactLocation: r.artifact_location,
        tags: keyValues(r.tags),
      }),
    }),
    getExperiment: async (r) => ({ experiment: await t.getExperiment(r.experiment_id) }),
    getExperimentByName: async (r) => {
      const experiment = await t.getExperimentByName(r.experiment_name);
      if (!experiment)
        throw new MwError("RESOURCE_DOES_NOT_EXIST", `Could not find experiment with name '${r.experiment_name}'`);
      return { experiment };
    },
    searchExperiments: async (r) => {
      const page = await t.searchExperiments({
        filter: r.filter,
        orderBy: r.order_by,
        maxResults: r.max_results,
        pageToken: r.page_token,
        viewType: r.view_type,
      });
      return paged("experiments", page.items, page.nextPageToken);
    },
    updateExperiment: async (r) => {
      if (r.new_name !== undefined) await t.renameExperiment(r.experiment_id, r.new_name);
      return {};
    },
    deleteExperiment: async (r) => empty(t.deleteExperiment(r.experiment_id)),
    restoreExperiment: async (r) => empty(t.restoreExperiment(r.experiment_id)),
    setExperimentTag: async (r) => empty(t.setExperimentTag(r.experiment_id, r.key, r.value ?? "")),
    deleteExperimentTag: async (r) => empty(t.deleteExperimentTag(r.experiment_id, r.key)),
    searchDatasets: async (r) => {
      const ids = r.experiment_ids ?? [];
      if (ids.length > 20) throw invalidParam("At most 20 experiment_ids may be given to search datasets.");
      const dataset_summaries = await t.searchDatasets(ids);
      return dataset_summaries.length ? { dataset_summaries } : {};
    },

    createRun: async (r) => ({
      run: await t.createRun({
        experimentId: r.experiment_id ?? "0",
        userId: r.user_id,
        runName: r.run_name,
        startTime: r.start_time,
        tags: keyValues(r.tags),
      }),
    }),
    updateRun: async (r) => ({
      run_info: await t.updateRun(runIdOf(r), { status: r.status, endTime: r.end_time, runName: r.run_name }),
    }),
    deleteRun: async (r) => empty(t.deleteRun(runIdOf(r))),
    restoreRun: async (r) => empty(t.restoreRun(runIdOf(r))),
    getRun: async (r) => ({ run: await t.getRun(runIdOf(r)) }),
    searchRuns: async (r) => {
      const page = await t.searchRuns({
        experimentIds: r.experiment_ids ?? [],
        filter: r.filter,
        orderBy: r.order_by,
        maxResults: r.max_results,
        pageToken: r.page_token,
        viewType: r.run_view_type,
      });
      return paged<"runs", Run>("runs", page.items, page.nextPageToken);
    },
    logMetric: async (r) => empty(t.logBatch(runIdOf(r), { metrics: [metricInput(r)] })),
    logParam: async (r) => empty(t.logBatch(runIdOf(r), { params: [{ key: r.key, value: r.value ?? "" }] })),
    setTag: async (r) => empty(t.logBatch(runIdOf(r), { tags: [{ key: r.key, value: r.value ?? "" }] })),
    deleteTag: async (r) => empty(t.deleteTag(runIdOf(r), r.key)),
    logBatch: async (r) =>
      empty(
        t.logBatch(runIdOf(r), {
          metrics: r.metrics?.map(metricInput),
          params: keyValues(r.params),
          tags: keyValues(r.tags),
        }),
      ),
    logModel: async (r) => empty(t.logModel(runIdOf(r), r.model_json)),
    logInputs: async (r) => {
      const runId = runIdOf(r);
      if (r.datasets?.length || !r.models?.length)
        await t.logInputs(
          runId,
          (r.datasets ?? []).map((d) => ({ dataset: d.dataset, tags: keyValues(d.tags) })),
        );
      if (r.models?.length)
        await t.logModelInputs(
          runId,
          r.models.map((m) => m.model_id),
        );
      return {};
    },
    getMetricHistory: async (r) => {
      // Always one bounded page: an unpaged call on a million-point run would build ~80 MB per
      // request. MLflow's client asks for 25,000 points a page and follows next_page_token.
      const page = await t.getMetricHistory(runIdOf(r), r.metric_key, {
        maxResults: Math.min(r.max_results ?? HISTORY_PAGE_MAX, HISTORY_PAGE_MAX),
        pageToken: r.page_token,
      });
      return paged("metrics", page.items, page.nextPageToken);
    },
    getMetricHistoryBulkInterval: async (r) => {
      if (r.run_ids.length === 0 || r.run_ids.length > 100) {
        throw invalidParam(`Parameter 'run_ids' must hold 1 to 100 run ids, got ${r.run_ids.length}.`);
      }
      if ((r.start_step === undefined) !== (r.end_step === undefined)) {
        throw invalidParam("Parameters 'start_step' and 'end_step' must be given together.");
      }
      const maxResults = r.max_results ?? 320;
      if (maxResults < 1 || maxResults > 2500) {
        throw invalidParam(`Invalid value ${maxResults} for parameter 'max_results': expected 1 to 2500.`);
      }
      const metrics = await t.getMetricHistoryBulkInterval({
        runIds: r.run_ids,
        key: r.metric_key,
        startStep: r.start_step,
        endStep: r.end_step,
        maxResults,
      });
      return metrics.length ? { metrics } : {};
    },
    listArtifacts: async (r) => {
      const run = await t.getRun(runIdOf(r));
      return listRunArtifacts(deps.artifacts, run.info.artifact_uri, r.path ?? "");
    },
    ...loggedModelHandlers(deps),
  };
}

/** A wire metric as the store takes it (MLflow 3's model and dataset fields included). */
function metricInput(m: {
  key: string;
  value: number;
  timestamp: number;
  step?: number;
  model_id?: string;
  dataset_name?: string;
  dataset_digest?: string;
}): MetricInput {
  const out: MetricInput = { key: m.key, value: m.value, timestamp: m.timestamp, step: m.step };
  if (m.model_id) out.modelId = m.model_id;
  if (m.dataset_name) out.datasetName = m.dataset_name;
  if (m.dataset_digest) out.datasetDigest = m.dataset_digest;
  return out;
}

async function empty(work: Promise<void>): Promise<Record<string, never>> {
  await work;
  return {};
}

function paged<K extends string, T>(key: K, items: T[], token?: string) {
  const out: Partial<Record<K, T[]>> & { next_page_token?: string } = {};
  if (items.length) (out as Record<K, T[]>)[key] = items;
  if (token) out.next_page_token = token;
  return out;
}
