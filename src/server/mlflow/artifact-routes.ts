/** The proxied artifact API (`/api/2.0/mlflow-artifacts/...`): streamed upload, download, list, delete. */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { access } from "../../core/api/access.js";
import { invalidParam, MwError } from "../../core/errors.js";
import type { RegistryStore } from "../../registry/registry-store.js";
import type { ArtifactStore, DirectTransfer } from "../../tracking/artifacts/artifact-store.js";
import { directTransferOf } from "../../tracking/artifacts/artifact-store.js";
import { normalizeArtifactPath } from "../../tracking/artifacts/safe-path.js";
import { sendArtifact } from "./content-type.js";

const PREFIXES = ["/api/2.0/mlflow-artifacts", "/ajax-api/2.0/mlflow-artifacts"];

// MLflow's rule: a proxied artifact path starts with its experiment's id, which decides.
const READ = access.on("experiment", "read", "artifact_path");
const EDIT = access.on("experiment", "edit", "artifact_path");
const MANAGE = access.on("experiment", "manage", "artifact_path");

/** Register the artifact routes in their own context, where any request body stays a raw stream. */
export async function artifactRoutes(
  app: FastifyInstance,
  opts: { artifacts: ArtifactStore; registry: Pick<RegistryStore, "sourcesCovering">; maxUploadBytes?: number },
) {
  const store = opts.artifacts;
  const frozen = (path: string, below: boolean) => refuseFrozen(opts.registry, path, below);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_req, payload, done) => done(null, payload));
  for (const prefix of PREFIXES) {
    app.get(`${prefix}/artifacts`, { config: { access: READ } }, async (req) => {
      const path = (req.query as { path?: string | string[] }).path;
      const dir = Array.isArray(path) ? (path[0] ?? "") : (path ?? "");
      const files = await store.list(dir);
      return files.length ? { files } : {};
    });
    app.get(`${prefix}/artifacts/*`, { config: { access: READ } }, async (req, reply) => {
      return sendArtifact(reply, store, wildcard(req), "attachment");
    });
    app.put(`${prefix}/artifacts/*`, { config: { access: EDIT } }, async (req, reply) => {
      const declared = Number(req.headers["content-length"] ?? Number.NaN);
      // Refuse a declared oversize body before reading it, so the 413 reaches the client.
      if (opts.maxUploadBytes !== undefined && declared > opts.maxUploadBytes) {
        // Close rather than drain the refused body: it may be gigabytes.
        reply.header("connection", "close");
        throw new MwError(
          "PAYLOAD_TOO_LARGE",
          `Upload of ${declared} bytes exceeds the limit of ${opts.maxUploadBytes} (--max-upload-bytes).`,
        );
      }
      await frozen(wildcard(req), false);
      await store.put(wildcard(req), req.raw, { maxBytes: opts.maxUploadBytes });
      return {};
    });
    app.delete(`${prefix}/artifacts/*`, { config: { access: MANAGE } }, async (req) => {
      await frozen(wildcard(req), true);
      await store.delete(wildcard(req));
      return {};
    });
    const direct = directTransferOf(store);
    app.post(`${prefix}/mpu/create/*`, { config: { access: EDIT } }, async (req) => {
      const path = wildcard(req);
      const body = await readJson(req.body);
      await frozen(path, false);
      return needDirect(direct).createMultipartUpload(path, positiveInt(body.num_parts, "num_parts"));
    });
    app.post(`${prefix}/mpu/complete/*`, { config: { access: EDIT } }, async (req) => {
      const path = wildcard(req);
      const body = await readJson(req.body);
      await frozen(path, false);
      const parts = partsOf(body.parts);
      await needDirect(direct).completeMultipartUpload(
        path,
        text(body.upload_id, "upload_id"),
        parts,
        opts.maxUploadBytes,
      );
      return {};
    });
    app.post(`${prefix}/mpu/abort/*`, { config: { access: EDIT } }, async (req) => {
      const body = await readJson(req.body);
      await needDirect(direct).abortMultipartUpload(wildcard(req), text(body.upload_id, "upload_id"));
      return {};
    });
    app.get(`${prefix}/presigned/*`, { config: { access: READ } }, async (req) => {
      return needDirect(direct).presignedDownload(wildcard(req));
    });
  }
}

function needDirect(direct: DirectTransfer | undefined): DirectTransfer {
  if (!direct)
    throw new MwError(
      "NOT_IMPLEMENTED",
      "Multipart and presigned transfers need an object store (--artifacts s3://...); upload with PUT.",
    );
  return direct;
}

/** The mpu routes' JSON body (it arrives as a raw stream in this context). */
async function readJson(stream: unknown): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > 1024 * 1024) throw invalidParam("Request body too large: expected a small JSON object.");
    chunks.push(c);
  }
  const raw = Buffer.concat(chunks).toString("utf8");
  let value: unknown;
  try {
    value = raw === "" ? {} : JSON.parse(raw);
  } catch {
    throw invalidParam("Malformed JSON body: expected an object.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw invalidParam("Invalid body: expected a JSON object.");
  return value as Record<string, unknown>;
}

function text(v: unknown, field: string): string {
  if (typeof v !== "string" || v === "") throw invalidParam(`Missing value for required parameter '${field}'.`);
  return v;
}

function positiveInt(v: unknown, field: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1)
    throw invalidParam(`Invalid value for parameter '${field}': expected a positive integer.`);
  return v;
}

function partsOf(v: unknown): { part_number: number; etag: string }[] {
  if (!Array.isArray(v) || v.length === 0)
    throw invalidParam("Invalid value for parameter 'parts': expected a non-empty list of {part_number, etag}.");
  return v.map((p, i) => {
    const o = (p ?? {}) as Record<string, unknown>;
    return {
      part_number: positiveInt(o.part_number, `parts[${i}].part_number`),
      etag: text(o.etag, `parts[${i}].etag`),
    };
  });
}

/**
 * A registered version's package folder is immutable: no file in it may be replaced, added or
 * deleted (serving and reproductions trust that a version's files never change; a `faults.json`
 * added later would change behaviour). RESOURCE_CONFLICT (409): the request is well-formed, the
 * path's state forbids it. Paths no version points at stay writable, as in MLflow.
 */
async function refuseFrozen(
  registry: Pick<RegistryStore, "sourcesCovering">,
  path: string,
  below: boolean,
): Promise<void> {
  const [hit] = await registry.sourcesCovering(normalizeArtifactPath(path), { below });
  if (!hit) return;
  throw new MwError(
    "RESOURCE_CONFLICT",
    `Artifact path '${path}' is in the package of model version ${hit.name}/${hit.version} ('${hit.path}'); ` +
      "registered package files cannot be changed. Log the files under a new path and register a new version.",
  );
}

function wildcard(req: FastifyRequest): string {
  return (req.params as { "*": string })["*"];
}
