/**
 * Point-in-time training sets for the CLI (`features get-historical`, `train --features`): built
 * in process on the embedded store, or by a server (`--tracking-uri`), which streams the file back.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { FeatureSourceRead } from "../../core/api/feature-routes.js";
import { fillPath, platformRoutes } from "../../core/api/platform-routes.js";
import { invalidParam } from "../../core/errors.js";
import { readTable, readTableFromBuffer } from "../../data/read-table.js";
import type { Table } from "../../data/table.js";
import { parseDatasetRef } from "../../data/versions/dataset-ref.js";
import type { OutputFormat } from "../../data/write/write-table.js";
import { parseRefList } from "../../features/definitions/feature-refs.js";
import { buildTrainingSet, parseDatasetPins } from "../../features/offline/training-set.js";
import { readResponse } from "../../sdk/mlflow-client.js";
import type { Platform } from "../../server/open-platform.js";
import type { FeatureServices } from "../../server/platform/feature-services.js";
import { openFeatureServices } from "../../server/platform/feature-services.js";

/** What to build, as the flags give it. */
export interface RetrievalRequest {
  /**
   * A local CSV/Parquet file (when one exists at that path), a dataset `NAME[@VERSION]`, or (in
   * process only) the entity rows themselves.
   */
  entities: string | Table;
  service?: string | undefined;
  /** `view:feature,...` */
  features?: string | undefined;
  fullNames?: boolean | undefined;
  eventTime?: string | undefined;
  registryVersion?: number | undefined;
  /** `NAME@VERSION,...` */
  datasetVersions?: string | undefined;
}

/** What a retrieval read, besides the rows. */
export interface RetrievalInfo {
  registryVersion: number;
  sources: FeatureSourceRead[];
  rows: number;
  joinKeys: string[];
}

/** Where training sets come from: the embedded platform, or a server. */
export type RetrievalTarget = { platform: Platform } | { baseUrl: string; fetch: typeof fetch };

/** Build the training set in memory. */
export async function retrieveTable(
  target: RetrievalTarget,
  req: RetrievalRequest,
  cwd: string,
): Promise<RetrievalInfo & { table: Table }> {
  if ("platform" in target) return retrieveLocally(target.platform, req, cwd);
  const res = await requestRemote(target, req, cwd, "parquet");
  const table = await readTableBytes(res.body);
  return { ...res.info, table };
}

/** Build in process (the embedded store). */
export async function retrieveLocally(platform: Platform, req: RetrievalRequest, cwd: string) {
  const fs = openFeatureServices(platform.db, platform.datasets);
  const entities = await entityRows(fs, req.entities, cwd);
  const set = await buildTrainingSet(fs.registry, fs.loadDataset, {
    entities,
    service: req.service,
    features: req.features === undefined ? undefined : parseRefList(req.features),
    fullNames: req.fullNames,
    eventTime: req.eventTime,
    registryVersion: req.registryVersion,
    datasetVersions: parseDatasetPins(req.datasetVersions),
  });
  return {
    table: set.table,
    registryVersion: set.registryVersion,
    sources: set.sources,
    rows: set.table.numRows,
    joinKeys: set.joinKeys,
  };
}

async function entityRows(fs: FeatureServices, ref: string | Table, cwd: string): Promise<Table> {
  if (typeof ref !== "string") return ref;
  const file = await localFile(ref, cwd);
  if (file) return readTable(file);
  const d = parseDatasetRef(ref);
  return (await fs.loadDataset(d.name, d.version)).table;
}

/** Ask a server; the answer's body is the file in `format`. A local entity file is uploaded. */
export async function requestRemote(
  target: { baseUrl: string; fetch: typeof fetch },
  req: RetrievalRequest,
  cwd: string,
  format: OutputFormat,
): Promise<{ body: Readable; info: RetrievalInfo }> {
  if (typeof req.entities !== "string") throw invalidParam("A server needs the entity rows as a file or a dataset.");
  const file = await localFile(req.entities, cwd);
  const fields: Record<string, string> = { format };
  if (!file) fields.entities = req.entities;
  if (req.service !== undefined) fields.service = req.service;
  if (req.features !== undefined) fields.features = req.features;
  if (req.fullNames) fields.full_names = "true";
  if (req.eventTime !== undefined) fields.event_time = req.eventTime;
  if (req.registryVersion !== undefined) fields.registry_version = String(req.registryVersion);
  if (req.datasetVersions !== undefined) fields.dataset_versions = req.datasetVersions;
  const { path } = fillPath(platformRoutes.getHistoricalFeatures.path, {});
  const url = `${target.baseUrl.replace(/\/+$/, "")}/api/modelworks/v1${path}?${new URLSearchParams(fields)}`;
  const init: RequestInit & { duplex?: "half" } = file
    ? {
        method: "POST",
        headers: { "Content-Type": "application/octet-stream" },
        body: Readable.toWeb(createReadStream(file)) as unknown as RequestInit["body"],
        duplex: "half",
      }
    : { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" };
  const res = await target.fetch(url, init);
  if (res.status !== 200 || !res.body) await readResponse(res);
  const header = (name: string) => res.headers.get(name) ?? "";
  return {
    body: Readable.fromWeb(res.body as unknown as WebReadableStream),
    info: {
      registryVersion: Number(header("x-modelworks-registry-version")),
      sources: JSON.parse(header("x-modelworks-feature-sources") || "[]") as FeatureSourceRead[],
      rows: Number(header("x-modelworks-rows")),
      joinKeys: header("x-modelworks-join-keys")
        .split(",")
        .filter((k) => k !== "")
        .map(decodeURIComponent),
    },
  };
}

/** The path of `ref` when it names an existing file. */
async function localFile(ref: string, cwd: string): Promise<string | undefined> {
  const path = resolve(cwd, ref);
  return (await stat(path).catch(() => undefined))?.isFile() ? path : undefined;
}

async function readTableBytes(body: Readable): Promise<Table> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  if (chunks.length === 0) throw invalidParam("The server sent an empty training set.");
  return readTableFromBuffer(Buffer.concat(chunks), { format: "parquet" });
}
