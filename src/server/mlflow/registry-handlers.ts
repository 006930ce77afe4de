/** The MLflow model registry routes: parsed request in, store call, wire response out. */
import type { ModelVersion } from "../../core/api/mlflow-entities.js";
import type { OutboundGuard } from "../../core/http/outbound-request.js";
import type { Page } from "../../core/page.js";
import { checkModelSource } from "../../registry/model-source.js";
import type { RegistryStore } from "../../registry/registry-store.js";
import { validateModelName, validateSource } from "../../registry/validation.js";
import type { ArtifactStore } from "../../tracking/artifacts/artifact-store.js";
import { LocalArtifactStore } from "../../tracking/artifacts/local/local-artifact-store.js";
import type { TrackingStore } from "../../tracking/tracking-store.js";
import type { Handlers } from "./handlers.js";
import { checkRemoteSource } from "./remote-source-check.js";

/** The registry's route names in `mlflowRoutes` (createRegisteredModel through deleteModelVersionTag). */
export type RegistryRouteName =
  | "createRegisteredModel"
  | "renameRegisteredModel"
  | "updateRegisteredModel"
  | "deleteRegisteredModel"
  | "getRegisteredModel"
  | "searchRegisteredModels"
  | "getLatestVersions"
  | "setRegisteredModelTag"
  | "deleteRegisteredModelTag"
  | "setRegisteredModelAlias"
  | "deleteRegisteredModelAlias"
  | "getModelVersionByAlias"
  | "createModelVersion"
  | "updateModelVersion"
  | "transitionModelVersionStage"
  | "deleteModelVersion"
  | "getModelVersion"
  | "searchModelVersions"
  | "getModelVersionDownloadUri"
  | "setModelVersionTag"
  | "deleteModelVersionTag";

/** Search paging fields as the wire names them (`next_page_token` only when there is one). */
function searchQuery(req: { filter?: string; order_by?: string[]; max_results?: number; page_token?: string }) {
  return { filter: req.filter, orderBy: req.order_by, maxResults: req.max_results, pageToken: req.page_token };
}

function paged<K extends string, T>(field: K, page: Page<T>): { [P in K]?: T[] } & { next_page_token?: string } {
  const out: Record<string, unknown> = {};
  if (page.items.length > 0) out[field] = page.items;
  if (page.nextPageToken) out.next_page_token = page.nextPageToken;
  return out as { [P in K]?: T[] } & { next_page_token?: string };
}

/** Tags as the store takes them (protobuf's absent string is empty). */
function keyValues(tags: { key: string; value?: string }[] | undefined) {
  return tags?.map((t) => ({ key: t.key, value: t.value ?? "" }));
}

function versions(list: ModelVersion[]): { model_versions?: ModelVersion[] } {
  return list.length > 0 ? { model_versions: list } : {};
}

/** What the registry routes need: the registry, and the run and artifact stores that model sources are checked against. */
export interface RegistryHandlerDeps {
  registry: RegistryStore;
  tracking: Pick<TrackingStore, "getRun" | "getLoggedModel">;
  artifacts: ArtifactStore;
  /** Which remote model endpoints a registered version may name (the admin's allow-list); none without it. */
  outbound?: OutboundGuard;
}

/** Handlers for every registry route, backed by a {@link RegistryStore}. */
export function registryHandlers(deps: RegistryHandlerDeps): Handlers<RegistryRouteName> {
  const r = deps.registry;
  const sources = {
    tracking: deps.tracking,
    artifacts: deps.artifacts,
    ...(deps.artifacts instanceof LocalArtifactStore ? { localRoot: deps.artifacts.root } : {}),
  };
  return {
    createRegisteredModel: async (req) => ({
      registered_model: await r.createRegisteredModel({ ...req, tags: keyValues(req.tags) }),
    }),
    renameRegisteredModel: async (req) => ({
      registered_model: await r.renameRegisteredModel({ name: req.name, newName: req.new_name }),
    }),
    updateRegisteredModel: async (req) => ({ registered_model: await r.updateRegisteredModel(req) }),
    deleteRegisteredModel: async (req) => {
      await r.deleteRegisteredModel(req);
      return {};
    },
    getRegisteredModel: async (req) => ({ registered_model: await r.getRegisteredModel(req) }),
    searchRegisteredModels: async (req) => paged("registered_models", await r.searchRegisteredModels(searchQuery(req))),
    getLatestVersions: async (req) => versions(await r.getLatestVersions(req)),
    setRegisteredModelTag: async (req) => {
      await r.setRegisteredModelTag({ name: req.name, key: req.key, value: req.value });
      return {};
    },
    deleteRegisteredModelTag: async (req) => {
      await r.deleteRegisteredModelTag(req);
      return {};
    },
    setRegisteredModelAlias: async (req) => {
      await r.setAlias(req);
      return {};
    },
    deleteRegisteredModelAlias: async (req) => {
      await r.deleteAlias(req);
      return {};
    },
    getModelVersionByAlias: async (req) => ({ model_version: await r.getModelVersionByAlias(req) }),
    createModelVersion: async (req) => {
      validateModelName(req.name);
      validateSource(req.source);
      // A well-formed source for an unknown model answers 404 (MLflow's order: its store raises it).
      await r.getRegisteredModel({ name: req.name });
      // MLflow 3 registers a logged model as `models:/m-…` with its `model_id`; the run is the model's.
      const checked = await checkModelSource(req.source, req.run_id, sources, req.model_id || undefined);
      await checkRemoteSource(deps.artifacts, checked.storageLocation, deps.outbound);
      return {
        model_version: await r.createModelVersion({
          name: req.name,
          source: req.source,
          storageLocation: checked.storageLocation,
          runId: checked.runId,
          modelId: checked.modelId,
          runLink: req.run_link,
          description: req.description,
          tags: keyValues(req.tags),
        }),
      };
    },
    updateModelVersion: async (req) => ({ model_version: await r.updateModelVersion(req) }),
    transitionModelVersionStage: async (req) => ({
      model_version: await r.transitionModelVersionStage({
        name: req.name,
        version: req.version,
        stage: req.stage,
        archiveExistingVersions: req.archive_existing_versions,
      }),
    }),
    deleteModelVersion: async (req) => {
      await r.deleteModelVersion(req);
      return {};
    },
    getModelVersion: async (req) => ({ model_version: await r.getModelVersion(req) }),
    searchModelVersions: async (req) => paged("model_versions", await r.searchModelVersions(searchQuery(req))),
    getModelVersionDownloadUri: async (req) => ({ artifact_uri: await r.getModelVersionDownloadUri(req) }),
    setModelVersionTag: async (req) => {
      await r.setModelVersionTag({ name: req.name, version: req.version, key: req.key, value: req.value });
      return {};
    },
    deleteModelVersionTag: async (req) => {
      await r.deleteModelVersionTag(req);
      return {};
    },
  };
}
