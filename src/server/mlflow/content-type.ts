/** A MIME type guessed from a file name, for artifact downloads. */
import { extname } from "node:path";

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
