/** The online side of the feature store as one service: materialize, read (Feast's shape), freshness. */
import type { OnlineFeaturesResponse, ViewFreshness } from "../../core/api/feature-routes.js";
import type { Clock } from "../../core/clock.js";
import type { FeatureRegistry } from "../definitions/feature-registry.js";
import type { DatasetLoader } from "../offline/training-set.js";
import { feastResponse } from "./feast-response.js";
import type { MaterializeProgress, MaterializeRequest, ViewMaterialization } from "./materialize.js";
import { materialize } from "./materialize.js";
import type { OnlinePlan } from "./online-features.js";
import { entityRows, planOnline, readFeatures } from "./online-features.js";
import type { OnlineStore } from "./online-store.js";

/** A `get-online-features` request, as Feast's feature server takes it. */
export interface OnlineFeaturesRequest {
  features?: string[] | undefined;
  feature_service?: string | undefined;
  entities: unknown;
  full_feature_names?: boolean | undefined;
}

export interface OnlineFeatureDeps {
  registry: FeatureRegistry;
  loadDataset: DatasetLoader;
  store: OnlineStore;
  clock: Clock;
  /** Most entity rows per read (default 10,000). */
  maxEntities?: number;
}

/** Online features over a registry, the dataset store and an online store. */
export class OnlineFeatureService {
  constructor(private readonly deps: OnlineFeatureDeps) {}

  get store(): OnlineStore {
    return this.deps.store;
  }

  /** Materialize views with the latest definitions. */
  async materialize(
    req: MaterializeRequest,
    onProgress?: (p: MaterializeProgress) => void,
  ): Promise<{ registry_version: number; views: ViewMaterialization[] }> {
    const version = await this.deps.registry.at();
    const views = await materialize(req, {
      definitions: version.definitions,
      loadDataset: this.deps.loadDataset,
      store: this.deps.store,
      clock: this.deps.clock,
      onProgress,
    });
    return { registry_version: version.version, views };
  }

  /** The read plan of a selection with the latest definitions. */
  async plan(sel: Parameters<typeof planOnline>[1]): Promise<OnlinePlan> {
    return planOnline((await this.deps.registry.at()).definitions, sel);
  }

  /** Feast's `get-online-features`: entity columns then features, each with values, statuses, event times. */
  async getOnlineFeatures(req: OnlineFeaturesRequest): Promise<OnlineFeaturesResponse> {
    const plan = await this.plan({
      service: req.feature_service,
      features: req.features,
      fullNames: req.full_feature_names,
    });
    const e = entityRows(plan, req.entities, this.deps.maxEntities ?? 10_000);
    const columns = await readFeatures(plan, e.keyValues, e.rows, this.deps.store, this.deps.clock.now());
    return feastResponse(e.given, columns);
  }

  /** Freshness of every online view of the latest definitions. */
  async freshness(): Promise<ViewFreshness[]> {
    const defs = (await this.deps.registry.at()).definitions;
    const now = this.deps.clock.now();
    return Promise.all(
      defs.feature_views
        .filter((v) => v.online)
        .map(async (v) => {
          const s = await this.deps.store.viewState(v.name);
          return {
            view: v.name,
            newest_event_time: s.newestEventTime ?? null,
            age_ms: s.newestEventTime === undefined ? null : now - s.newestEventTime,
            watermark: s.watermark ?? null,
            updated_time: s.updatedTime ?? null,
          };
        }),
    );
  }
}
