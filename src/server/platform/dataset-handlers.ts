/** Handlers for the dataset routes of the platform API (used by the server and the in-process CLI). */
import type { Readable } from "node:stream";
import type { FileRoots } from "../../auth/file-roots.js";
import type { DatasetRouteName } from "../../core/api/platform-routes.js";
import { invalidParam, MwError } from "../../core/errors.js";
import { parseTypeOverrides } from "../../data/type-overrides.js";
import { diffVersions } from "../../data/versions/dataset-diff.js";
import type { DatasetRef } from "../../data/versions/dataset-ref.js";
import { parseDatasetRef, parseVersion } from "../../data/versions/dataset-ref.js";
import { datasetInput } from "../../data/versions/lineage.js";
import type { TrackingStore } from "../../tracking/tracking-store.js";
import { schemaFromJson, schemaFromYaml, schemaToJson, schemaToYaml } from "../../validation/schema.js";
import type { DatasetServices } from "./dataset-services.js";
import type { PlatformHandlers } from "./handlers.js";
import { toListing, toVersionInfo } from "./wire.js";

export interface DatasetHandlerOptions {
  /** Largest accepted upload in bytes (default unlimited). */
  maxUploadBytes?: number;
  /** Where `log-input` records lineage; without it that route answers NOT_IMPLEMENTED. */
  tracking?: Pick<TrackingStore, "logInputs">;
  /**
   * Which server-side files a request's `path` may name; default the services' policy (the
   * server's `--data-root` folders). The in-process CLI passes `FileRoots.unrestricted()`.
   */
  fileRoots?: FileRoots;
}

/** The dataset handlers over a platform's dataset services. */
export function datasetHandlers(
  ds: DatasetServices,
  options: DatasetHandlerOptions = {},
): Pick<PlatformHandlers, DatasetRouteName> {
  const maxBytes = options.maxUploadBytes;
  const roots = options.fileRoots ?? ds.fileRoots;
  return {
    createDataset: async (req, body) => {
      const types = req.types ? parseTypeOverrides(req.types) : undefined;
      const opts = { name: req.name, label: req.label, format: req.format, maxBytes, ...(types ? { types } : {}) };
      const result = body
        ? await ds.versions.addStream(body, { ...opts, sourcePath: req.source || `upload:${req.name}` })
        : await ds.versions.addFile(await roots.resolve(requirePath(req.path)), opts);
      return { dataset_version: toVersionInfo(result.version), created: result.created };
    },
    listDatasets: async () => ({ datasets: (await ds.store.listDatasets()).map(toListing) }),
    getDataset: async (req) => ({
      name: req.name,
      versions: (await ds.store.listVersions(req.name)).map((v) => toVersionInfo(v)),
    }),
    getDatasetVersion: async (req) => ({
      dataset_version: toVersionInfo(await ds.store.getVersion(req.name, parseVersion(req.version)), true),
    }),
    diffDatasets: async (req) => {
      const a = await resolveRef(ds, req.name, req.a);
      const b = await resolveRef(ds, req.name, req.b);
      return diffVersions(a, b);
    },
    validateDataset: async (req, body) => {
      const version = await ds.store.getVersion(req.name, parseVersion(req.version));
      if (!body && req.stored_version !== undefined) {
        // The platform's own snapshot of a version: no client-named path is opened.
        const stored = await ds.store.getVersion(req.name, parseVersion(req.stored_version));
        const { stream } = await ds.objects.open(stored.digest);
        return validateUpload(ds, stream, version.schemaJson, undefined, `.${stored.format}`);
      }
      if (!body) {
        return ds.validate(await roots.resolve(requirePath(req.path)), version.schemaJson);
      }
      return validateUpload(ds, body, version.schemaJson, maxBytes);
    },
    getDatasetSchema: async (req) => {
      const version = await ds.store.getVersion(req.name, parseVersion(req.version));
      const schema = schemaFromJson(version.schemaJson);
      return { schema, text: req.format === "yaml" ? schemaToYaml(schema) : schemaToJson(schema) };
    },
    setDatasetSchema: async (req) => {
      // YAML is a superset of JSON, so one parser takes both; the document is checked before storing.
      const schema = schemaFromYaml(req.schema);
      const version = await ds.store.getVersion(req.name, parseVersion(req.version));
      await ds.store.setSchema(version.name, version.version, JSON.stringify(schema));
      return { schema };
    },
    logDatasetInput: async (req) => {
      if (!options.tracking)
        throw new MwError("NOT_IMPLEMENTED", "This server has no tracking store to log inputs to.");
      const version = await ds.store.getVersion(req.name, parseVersion(req.version));
      await options.tracking.logInputs(req.run_id, [datasetInput(version, { context: req.context })]);
      return {};
    },
  };
}

function requirePath(path: string | undefined): string {
  if (!path)
    throw invalidParam("Missing value for required parameter 'path' (or upload the file as the request body).");
  return path;
}

/** `V` is a version of `name`; `OTHER@V` names another dataset. */
async function resolveRef(ds: DatasetServices, name: string, text: string) {
  const ref: DatasetRef = text.includes("@") ? parseDatasetRef(text) : { name, version: parseVersion(text) };
  return ds.store.getVersion(ref.name, ref.version);
}

/** Stage an upload to a temporary file, validate it, and drop it (uploads for validation are not kept). */
async function validateUpload(
  ds: DatasetServices,
  body: Readable,
  schemaJson: string,
  maxBytes?: number,
  suffix = ".csv",
) {
  const staged = await ds.objects.stage(body, { suffix, ...(maxBytes !== undefined ? { maxBytes } : {}) });
  try {
    if (staged.size === 0) throw invalidParam("Cannot validate an empty upload.");
    return await ds.validate(staged.path, schemaJson);
  } finally {
    await staged.discard();
  }
}
