/** MLflow 3 logged-model endpoints and `runs/outputs`: parse → TrackingStore → wire response. */
import type { LoggedModelRouteName } from "../../core/api/logged-model-routes.js";
import type { ArtifactStore } from "../../tracking/artifacts/artifact-store.js";
import type { TrackingStore } from "../../tracking/tracking-store.js";
import { listRunArtifacts } from "./artifact-paths.js";
import type { Handlers } from "./handlers.js";
import { keyValues } from "./handlers.js";

/** Handlers for the logged-model routes. */
export function loggedModelHandlers(deps: {
  tracking: TrackingStore;
  artifacts: ArtifactStore;
}): Handlers<LoggedModelRouteName> {
  const t = deps.tracking;
  return {
    createLoggedModel: async (r) => ({
      model: await t.createLoggedModel({
        experimentId: r.experiment_id,
        name: r.name,
        modelType: r.model_type,
        sourceRunId: r.source_run_id,
        params: keyValues(r.params),
        tags: keyValues(r.tags),
      }),
    }),
    searchLoggedModels: async (r) => {
      const page = await t.searchLoggedModels({
        experimentIds: r.experiment_ids ?? [],
        filter: r.filter,
        datasets: r.datasets?.map((d) => ({ datasetName: d.dataset_name, datasetDigest: d.dataset_digest })),
        orderBy: r.order_by?.map((o) => ({
          fieldName: o.field_name,
          ascending: o.ascending,
          datasetName: o.dataset_name,
          datasetDigest: o.dataset_digest,
        })),
        maxResults: r.max_results,
        pageToken: r.page_token,
      });
      const out: { models?: typeof page.items; next_page_token?: string } = {};
      if (page.items.length) out.models = page.items;
      if (page.nextPageToken) out.next_page_token = page.nextPageToken;
      return out;
    },
    finalizeLoggedModel: async (r) => ({ model: await t.finalizeLoggedModel(r.model_id, r.status) }),
    getLoggedModel: async (r) => ({ model: await t.getLoggedModel(r.model_id) }),
    deleteLoggedModel: async (r) => {
      await t.deleteLoggedModel(r.model_id);
      return {};
    },
    setLoggedModelTags: async (r) => ({ model: await t.setLoggedModelTags(r.model_id, keyValues(r.tags) ?? []) }),
    deleteLoggedModelTag: async (r) => {
      await t.deleteLoggedModelTag(r.model_id, r.tag_key);
      return {};
    },
    listLoggedModelArtifacts: async (r) => {
      const { info } = await t.getLoggedModel(r.model_id);
      return listRunArtifacts(deps.artifacts, info.artifact_uri, r.artifact_directory_path ?? "");
    },
    logLoggedModelParams: async (r) => {
      await t.logLoggedModelParams(r.model_id, keyValues(r.params) ?? []);
      return {};
    },
    logOutputs: async (r) => {
      await t.logOutputs(
        r.run_id,
        (r.models ?? []).map((m) => ({ modelId: m.model_id, step: m.step ?? 0 })),
      );
      return {};
    },
  };
}
