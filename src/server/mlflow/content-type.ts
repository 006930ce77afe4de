/** Artifact downloads: a MIME type guessed from the file name, and the streamed response. */
import { basename, extname } from "node:path";
import type { FastifyReply } from "fastify";
import type { ArtifactStore } from "../../tracking/artifacts/artifact-store.js";

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

/** Stream a stored artifact as the response, with its type, size and a safe file name. */
export async function sendArtifact(
  reply: FastifyReply,
  store: ArtifactStore,
  path: string,
  disposition: "attachment" | "inline",
): Promise<FastifyReply> {
  const { stream, size } = await store.get(path);
  return reply
    .header("Content-Type", contentTypeFor(path))
    .header("Content-Length", size)
    .header("Content-Disposition", `${disposition}; filename="${basename(path).replace(/"/g, "")}"`)
    .header("X-Content-Type-Options", "nosniff")
    .send(stream);
}
