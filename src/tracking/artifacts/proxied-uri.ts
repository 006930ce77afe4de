/** `mlflow-artifacts:` URIs: where a run's or a model version's artifacts sit in the proxied store. */

const PROXY_SCHEME = "mlflow-artifacts:";

/** The store path behind an `mlflow-artifacts:/...` URI, or undefined for other schemes. */
export function proxiedPath(uri: string): string | undefined {
  if (!uri.startsWith(PROXY_SCHEME)) return undefined;
  // mlflow-artifacts:/0/abc/artifacts, or with an authority: mlflow-artifacts://host:port/0/abc/artifacts
  let rest = uri.slice(PROXY_SCHEME.length);
  if (rest.startsWith("//")) rest = rest.slice(2).replace(/^[^/]*/, "");
  return rest.replace(/^\/+/, "").replace(/\/+$/, "");
}
