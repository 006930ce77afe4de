/**
 * `train --features SERVICE`: join a feature service's features onto the training (and evaluation)
 * rows point-in-time, before fitting; and what the run records (service, registry version, each
 * source's dataset version and digest) so `runs reproduce` rebuilds the same training set.
 */
import type { FeatureSourceRead } from "../../core/api/feature-routes.js";
import type { DatasetInput, KeyValue } from "../../core/api/mlflow-entities.js";
import { invalidParam } from "../../core/errors.js";
import { profileTable } from "../../data/profile.js";
import { datasetSourceUri } from "../../data/versions/lineage.js";
import { DEFAULT_EVENT_TIME } from "../../features/offline/historical-features.js";
import { formatDatasetPins } from "../../features/offline/training-set.js";
import type { CliIo, Connection, ConnectionFlags } from "../cli-context.js";
import { clientAuthorization, fetchWithAuthorization } from "../client-auth.js";
import type { RetrievalTarget } from "./feature-retrieval.js";
import { retrieveTable } from "./feature-retrieval.js";
import type { TrainingData } from "./training-data.js";

/** Which features to join, and (to reproduce a run) which definitions and dataset versions to read. */
export interface FeatureJoinOptions {
  service: string;
  /** The training rows' time column (default `event_timestamp`). */
  eventTime?: string | undefined;
  registryVersion?: number | undefined;
  /** `NAME@VERSION,...` */
  datasetVersions?: string | undefined;
}

/** Training data with the features joined on, and what the run records about them. */
export interface JoinedTraining {
  data: TrainingData;
  evalData?: TrainingData | undefined;
  params: KeyValue[];
  tags: KeyValue[];
  /** The source dataset versions, as run inputs (lineage). */
  inputs: DatasetInput[];
  registryVersion: number;
  sources: FeatureSourceRead[];
}

/** Tag names the run records. */
export const FEATURE_TAGS = {
  registryVersion: "modelworks.features.registry_version",
  sources: "modelworks.features.sources",
  digestPrefix: "modelworks.features.digest.",
} as const;

/** Join `o.service` onto the data; join keys and the time column are dropped (they identify rows, they do not predict). */
export async function joinServiceFeatures(
  target: RetrievalTarget,
  cwd: string,
  data: TrainingData,
  evalData: TrainingData | undefined,
  o: FeatureJoinOptions,
): Promise<JoinedTraining> {
  const eventTime = o.eventTime ?? DEFAULT_EVENT_TIME;
  const train = await joinOne(target, cwd, data, { ...o, eventTime });
  // The evaluation rows see the very definitions and dataset versions the training rows did.
  const pinned = {
    ...o,
    eventTime,
    registryVersion: train.info.registryVersion,
    datasetVersions: formatDatasetPins(train.info.sources),
  };
  const evaluation = evalData ? await joinOne(target, cwd, evalData, pinned) : undefined;
  const sources = train.info.sources;
  return {
    data: train.data,
    evalData: evaluation?.data,
    params: [
      { key: "features", value: o.service },
      { key: "event_time", value: eventTime },
    ],
    tags: [
      { key: FEATURE_TAGS.registryVersion, value: String(train.info.registryVersion) },
      { key: FEATURE_TAGS.sources, value: formatDatasetPins(sources) },
      ...sources.map((s) => ({ key: `${FEATURE_TAGS.digestPrefix}${s.dataset}`, value: s.digest })),
    ],
    inputs: sources.map((s) => ({
      tags: [{ key: "mlflow.data.context", value: "features" }],
      dataset: {
        name: s.dataset,
        digest: s.digest,
        source_type: "modelworks",
        source: datasetSourceUri({ name: s.dataset, version: s.version }),
      },
    })),
    registryVersion: train.info.registryVersion,
    sources,
  };
}

async function joinOne(target: RetrievalTarget, cwd: string, data: TrainingData, o: FeatureJoinOptions) {
  const entities = "platform" in target ? data.table : data.ref;
  const got = await retrieveTable(
    target,
    {
      entities,
      service: o.service,
      eventTime: o.eventTime,
      registryVersion: o.registryVersion,
      datasetVersions: o.datasetVersions,
    },
    cwd,
  );
  // The retrieval checked these are columns of the entity rows.
  const drop = new Set([...got.joinKeys, o.eventTime as string]);
  const table = got.table.select(got.table.columnNames.filter((n) => !drop.has(n)));
  return { data: { ...data, table, profile: profileTable(table) } satisfies TrainingData, info: got };
}

/** In process on the embedded store, or the server the connection talks to. */
export function retrievalTarget(conn: Connection, flags: ConnectionFlags, io: CliIo): RetrievalTarget {
  if (conn.platform) return { platform: conn.platform };
  const uri = flags["tracking-uri"] ?? io.env.MODELWORKS_TRACKING_URI ?? io.env.MLFLOW_TRACKING_URI;
  if (!uri) throw invalidParam("No platform to read features from: give --tracking-uri or use the embedded store.");
  return { baseUrl: uri, fetch: fetchWithAuthorization(clientAuthorization(flags, io)) };
}
