/** The proxied artifact API (`/api/2.0/mlflow-artifacts/...`): streamed upload, download, list, delete. */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { MwError } from "../../core/errors.js";
import type { ArtifactStore } from "../../tracking/artifacts/artifact-store.js";
import { sendArtifact } from "./content-type.js";

const PREFIXES = ["/api/2.0/mlflow-artifacts", "/ajax-api/2.0/mlflow-artifacts"];

/** Register the artifact routes in their own context, where any request body stays a raw stream. */
export async function artifactRoutes(
  app: FastifyInstance,
  opts: { artifacts: ArtifactStore; maxUploadBytes?: number },
) {
  const store = opts.artifacts;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (_req, payload, done) => done(null, payload));
  for (const prefix of PREFIXES) {
    app.get(`${prefix}/artifacts`, async (req) => {
      const path = (req.query as { path?: string | string[] }).path;
      const dir = Array.isArray(path) ? (path[0] ?? "") : (path ?? "");
      const files = await store.list(dir);
      return files.length ? { files } : {};
    });
    app.get(`${prefix}/artifacts/*`, async (req, reply) => {
      return sendArtifact(reply, store, wildcard(req), "attachment");
    });
    app.put(`${prefix}/artifacts/*`, async (req, reply) => {
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
      await store.put(wildcard(req), req.raw, { maxBytes: opts.maxUploadBytes });
      return {};
    });
    app.delete(`${prefix}/artifacts/*`, async (req) => {
      await store.delete(wildcard(req));
      return {};
    });
    for (const op of ["create", "complete", "abort"]) {
      app.post(`${prefix}/mpu/${op}/*`, async () => {
        throw new MwError("NOT_IMPLEMENTED", "Multipart upload is not supported by this server; upload with PUT.");
      });
    }
    app.get(`${prefix}/presigned/*`, async () => {
      throw new MwError("NOT_IMPLEMENTED", "Presigned downloads are not supported by this server.");
    });
  }
}

function wildcard(req: FastifyRequest): string {
  return (req.params as { "*": string })["*"];
}
