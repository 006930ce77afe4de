/** Map run artifact URIs onto the proxied artifact store, and list a run's artifacts. */
import type { FileInfo } from "../../core/api/mlflow-entities.js";
import type { ArtifactStore } from "../../tracking/artifacts/artifact-store.js";
import { proxiedPath } from "../../tracking/artifacts/proxied-uri.js";
import { normalizeArtifactPath } from "../../tracking/artifacts/safe-path.js";

/** `artifacts/list` for a run: paths relative to the run's artifact root. */
export async function listRunArtifacts(
  store: ArtifactStore,
  artifactUri: string,
  path: string,
): Promise<{ root_uri: string; files?: FileInfo[] }> {
  const root = proxiedPath(artifactUri);
  if (root === undefined) return { root_uri: artifactUri };
  const rel = normalizeArtifactPath(path);
  const dir = rel ? `${root}/${rel}` : root;
  const files = (await store.list(dir)).map((f) => ({ ...f, path: rel ? `${rel}/${f.path}` : f.path }));
  return files.length ? { root_uri: artifactUri, files } : { root_uri: artifactUri };
}
