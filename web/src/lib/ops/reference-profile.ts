/** The training-data profile a model package carries (`model/reference-profile.json` in its run's artifacts). */
import { artifactText, mlflow } from "../api";
import type { DatasetProfile } from "./profile-types";
import { asProfile } from "./profile-types";

const PATH = "model/reference-profile.json";

/** The profile for `model` version `version`, or undefined when the package has none. */
export async function loadReferenceProfile(model: string, version: string): Promise<DatasetProfile | undefined> {
  const mv = (await mlflow.getModelVersion({ name: model, version })).model_version;
  if (!mv.run_id) return undefined;
  // List first: asking for a missing file would log a 404 in the console.
  const listing = await mlflow.listArtifacts({ run_id: mv.run_id, path: "model" });
  if (!(listing.files ?? []).some((f) => f.path === PATH)) return undefined;
  return asProfile(JSON.parse(await artifactText(mv.run_id, PATH)));
}
