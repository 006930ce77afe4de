/** Model references as deployments name them: `NAME@ALIAS` or `NAME/VERSION`. */
import { mlflow } from "../api";

export interface ResolvedRef {
  ref: string;
  model: string;
  version?: string;
  alias?: string;
  error?: string;
}

/** Split a reference into model and alias or version. */
export function parseRef(ref: string): { model: string; alias?: string; version?: string } {
  const at = ref.lastIndexOf("@");
  if (at > 0) return { model: ref.slice(0, at), alias: ref.slice(at + 1) };
  const slash = ref.lastIndexOf("/");
  if (slash > 0) return { model: ref.slice(0, slash), version: ref.slice(slash + 1) };
  return { model: ref };
}

/** Resolve an alias to the version it points at now (through the MLflow registry). */
export async function resolveRef(ref: string): Promise<ResolvedRef> {
  const p = parseRef(ref);
  if (!p.alias) return { ref, ...p };
  try {
    const mv = await mlflow.getModelVersionByAlias({ name: p.model, alias: p.alias });
    return { ref, ...p, version: mv.model_version.version };
  } catch (e) {
    return { ref, ...p, error: e instanceof Error ? e.message : String(e) };
  }
}

/** True for a 404 from the server (a route or resource that is not there). */
export function isNotFound(error: string | undefined): boolean {
  return error !== undefined && /^404\b|RESOURCE_DOES_NOT_EXIST|ENDPOINT_NOT_FOUND|does not exist|has no/.test(error);
}
