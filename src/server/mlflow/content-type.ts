/** Artifact downloads: a MIME type guessed from the file name, and the streamed response. */
import { extname } from "node:path";
import type { FastifyReply } from "fastify";
import type { ArtifactStore } from "../../tracking/artifacts/artifact-store.js";
import { artifactHeaders } from "../hardening/artifact-headers.js";

const TYPES: Record<string, string> = {
  ".json": "application/json",
  ".yaml": "text/yaml",
  ".yml": "text/yaml",
  ".txt": "text/plain",
  ".log": "text/plain",
  ".csv": "text/csv",
  ".html": "text/html",
  ".htm": "text/html",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".svg": "image/svg+xml",
  ".pdf": "application/pdf",
  ".parquet": "application/octet-stream",
};

/** The content type for a path; MLmodel and unknown text-less files get sensible defaults. */
export function contentTypeFor(path: string): string {
  if (path.endsWith("MLmodel")) return "text/plain";
  return TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

/**
 * Stream a stored artifact as the response, with its type, size and a safe file name, sandboxed
 * (see artifact-headers.ts): `inline` is honoured only for types a browser does not execute.
 */
export async function sendArtifact(
  reply: FastifyReply,
  store: ArtifactStore,
  path: string,
  disposition: "attachment" | "inline",
): Promise<FastifyReply> {
  const { stream, size } = await store.get(path);
  return reply
    .headers(artifactHeaders(path, contentTypeFor(path), disposition))
    .header("content-length", size)
    .send(stream);
}
