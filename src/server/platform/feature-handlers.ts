/** Handlers for the feature store routes of the platform API (used by the server and the in-process CLI). */
import { PassThrough, type Readable } from "node:stream";
import type { FeatureRouteName } from "../../core/api/feature-routes.js";
import { systemClock } from "../../core/clock.js";
import type { Database } from "../../core/db/database.js";
import { invalidParam, MwError } from "../../core/errors.js";
import { readTable } from "../../data/read-table.js";
import type { Table } from "../../data/table.js";
import { parseDatasetRef } from "../../data/versions/dataset-ref.js";
import { mediaTypeOf, writeTable } from "../../data/write/write-table.js";
import { parseRefList } from "../../features/definitions/feature-refs.js";
import { buildTrainingSet, parseDatasetPins } from "../../features/offline/training-set.js";
import type { OnlineFeatureService } from "../../features/online/online-feature-service.js";
import type { OnlineStore } from "../../features/online/online-store.js";
import type { DatasetServices } from "./dataset-services.js";
import type { FeatureServices } from "./feature-services.js";
import { featureDatasetsOf, openFeatureServices } from "./feature-services.js";
import type { PlatformHandlers } from "./handlers.js";

export type FeatureHandlers = Pick<PlatformHandlers, FeatureRouteName>;

/** The feature handlers over a platform's feature services. */
export function featureHandlers(fs: FeatureServices, options: { maxUploadBytes?: number } = {}): FeatureHandlers {
  return {
    applyFeatures: (req) => fs.registry.apply(req.files, { dryRun: req.dry_run === true }),
    listFeatureObjects: (req) => fs.registry.list(req.kind),
    getFeatureObject: (req) => fs.registry.show(req.name),
    getHistoricalFeatures: async (req, body) => {
      const entities = await entityTable(fs, req.entities, body, options.maxUploadBytes);
      const set = await buildTrainingSet(fs.registry, fs.loadDataset, {
        entities,
        service: req.service,
        features: req.features === undefined ? undefined : parseRefList(req.features),
        fullNames: req.full_names,
        eventTime: req.event_time,
        registryVersion: req.registry_version,
        datasetVersions: parseDatasetPins(req.dataset_versions),
      });
      const format = req.format ?? "csv";
      const out = new PassThrough();
      writeTable(out, set.table, format).then(
        () => out.end(),
        (e: unknown) => out.destroy(e as Error),
      );
      return {
        content_type: mediaTypeOf(format),
        file_name: `training-set.${format}`,
        chunks: out,
        headers: {
          "x-modelworks-registry-version": String(set.registryVersion),
          "x-modelworks-rows": String(set.table.numRows),
          "x-modelworks-join-keys": set.joinKeys.map(encodeURIComponent).join(","),
          "x-modelworks-feature-sources": JSON.stringify(set.sources),
        },
      };
    },
    getOnlineFeatures: (req) => onlineOf(fs).getOnlineFeatures(req),
    getFeatureFreshness: async () => ({ views: await onlineOf(fs).freshness() }),
  };
}

function onlineOf(fs: FeatureServices): OnlineFeatureService {
  if (!fs.online) throw new MwError("NOT_IMPLEMENTED", "This server has no online feature store.");
  return fs.online;
}

/** The entity rows: a stored dataset version (`entities`), or the uploaded file (CSV or Parquet). */
async function entityTable(
  fs: FeatureServices,
  ref: string | undefined,
  body: Readable | undefined,
  maxBytes: number | undefined,
): Promise<Table> {
  if (ref !== undefined && body !== undefined)
    throw invalidParam("Give entities as a dataset or as the body, not both.");
  if (ref !== undefined) {
    const d = parseDatasetRef(ref);
    return (await fs.loadDataset(d.name, d.version)).table;
  }
  if (body === undefined)
    throw invalidParam("Missing entity rows: name a dataset (entities=NAME[@VERSION]) or send a CSV or Parquet body.");
  const staged = await fs.datasets.objects.stage(body, {
    suffix: ".entities",
    ...(maxBytes !== undefined ? { maxBytes } : {}),
  });
  try {
    if (staged.size === 0) throw invalidParam("The entity upload is empty.");
    return await readTable(staged.path);
  } finally {
    await staged.discard();
  }
}

/** The feature handlers of an app: mounted with its datasets (the sources features are read from). */
export function featureHandlersFor(
  db: Database,
  datasets: DatasetServices | undefined,
  maxUploadBytes?: number,
  onlineStore?: OnlineStore,
): Partial<FeatureHandlers> {
  if (!datasets) return {};
  return featureHandlers(
    openFeatureServices(db, datasets, systemClock, onlineStore),
    maxUploadBytes === undefined ? {} : { maxUploadBytes },
  );
}

/** The authorization layer's view of which datasets a feature retrieval reads. */
export function featureDatasetsFor(db: Database, datasets: DatasetServices | undefined) {
  return datasets ? featureDatasetsOf(openFeatureServices(db, datasets)) : undefined;
}
