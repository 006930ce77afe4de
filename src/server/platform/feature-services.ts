/** The feature store services the server and CLI share, wired to a platform's database and dataset store. */
import { fileURLToPath } from "node:url";
import type { Clock } from "../../core/clock.js";
import { systemClock } from "../../core/clock.js";
import type { Database } from "../../core/db/database.js";
import { isMwError } from "../../core/errors.js";
import { readAllBytes } from "../../core/fs/read-all.js";
import type { TableFormat } from "../../data/read-table.js";
import { readTable, readTableFromBuffer } from "../../data/read-table.js";
import { LOGICAL_TYPES, type LogicalType } from "../../data/table.js";
import { parseDatasetRef } from "../../data/versions/dataset-ref.js";
import type { DatasetColumns } from "../../features/definitions/check-definitions.js";
import { parseRefList } from "../../features/definitions/feature-refs.js";
import { FeatureRegistry } from "../../features/definitions/feature-registry.js";
import { SqlRegistryStore } from "../../features/definitions/sql/sql-registry-store.js";
import type { LoadedDataset } from "../../features/offline/historical-features.js";
import type { DatasetLoader } from "../../features/offline/training-set.js";
import { datasetsOfRequest } from "../../features/offline/training-set.js";
import { OnlineFeatureService } from "../../features/online/online-feature-service.js";
import type { OnlineStore } from "../../features/online/online-store.js";
import type { DatasetServices } from "./dataset-services.js";

export interface FeatureServices {
  registry: FeatureRegistry;
  /** Read a dataset version of the platform (the latest when `version` is undefined). */
  loadDataset: DatasetLoader;
  /** The platform's dataset services (uploaded entity files are staged in their object store). */
  datasets: DatasetServices;
  /** Materialization and online reads (absent without an online store). */
  online?: OnlineFeatureService;
}

/** Feature services on a migrated database and a platform's datasets. */
export function openFeatureServices(
  db: Database,
  datasets: DatasetServices,
  clock: Clock = systemClock,
  onlineStore?: OnlineStore,
): FeatureServices {
  const store = datasets.store;
  const columnsOf = async (name: string, version?: number): Promise<DatasetColumns> => {
    const latest = await store.getVersion(name).catch((e: unknown) => {
      if (isMwError(e) && e.status === 404) return undefined;
      throw e;
    });
    if (!latest) return { status: "no-dataset" };
    if (version !== undefined && version > latest.version) return { status: "no-version", latest: latest.version };
    const v = version === undefined ? latest : await store.getVersion(name, version);
    // The profile holds the data's own types; the inferred schema widens a small table's integer
    // columns to float (tolerance for later batches), which would refuse an `int` join key.
    const profiled = columnTypes(v.profileJson);
    return { status: "ok", version: v.version, columns: profiled.size > 0 ? profiled : columnTypes(v.schemaJson) };
  };
  const loadDataset = async (name: string, version?: number): Promise<LoadedDataset> => {
    const v = await store.getVersion(name, version);
    const format = v.format as TableFormat;
    const uri = datasets.objects.uri(v.digest);
    // A local object is read in place; any other store is fetched first.
    const table = uri.startsWith("file://")
      ? await readTable(fileURLToPath(uri), { format })
      : await readTableFromBuffer(await readAllBytes((await datasets.objects.open(v.digest)).stream), { format });
    return { table, version: v.version, digest: v.digest };
  };
  const registry = new FeatureRegistry({ store: new SqlRegistryStore(db), columnsOf, clock });
  return {
    registry,
    loadDataset,
    datasets,
    ...(onlineStore ? { online: new OnlineFeatureService({ registry, loadDataset, store: onlineStore, clock }) } : {}),
  };
}

/**
 * The datasets a `get-historical` request reads, from its fields: the entity dataset and the
 * selected features' sources (what the authorization layer checks read permission on).
 */
export function featureDatasetsOf(services: FeatureServices) {
  return async (fields: Record<string, unknown>): Promise<string[]> => {
    const text = (k: string) => (typeof fields[k] === "string" && fields[k] !== "" ? (fields[k] as string) : undefined);
    const entities = text("entities");
    const version = Number(fields.registry_version);
    const service = text("service") ?? text("feature_service");
    // get-historical takes `features` as comma-separated text, get-online-features as a list.
    const list = Array.isArray(fields.features)
      ? fields.features.filter((f) => typeof f === "string").join(",")
      : undefined;
    const features = text("features") ?? (list || undefined);
    const sources = await datasetsOfRequest(services.registry, {
      service,
      features: features ? parseRefList(features) : undefined,
      registryVersion: Number.isSafeInteger(version) && version >= 0 ? version : undefined,
    });
    return [...(entities ? [datasetNameOf(entities)] : []), ...sources];
  };
}

function datasetNameOf(ref: string): string {
  try {
    return parseDatasetRef(ref).name;
  } catch {
    return ref;
  }
}

/** Column types from a stored dataset profile or schema (JSON with `columns: [{name, type}]`). */
function columnTypes(json: string): Map<string, LogicalType> {
  const columns = new Map<string, LogicalType>();
  try {
    const schema = JSON.parse(json) as { columns?: { name?: unknown; type?: unknown }[] };
    for (const c of schema.columns ?? []) {
      if (typeof c.name === "string" && (LOGICAL_TYPES as readonly unknown[]).includes(c.type))
        columns.set(c.name, c.type as LogicalType);
    }
  } catch {
    // A profile or schema that does not parse checks nothing; retrieval still checks the data itself.
  }
  return columns;
}
