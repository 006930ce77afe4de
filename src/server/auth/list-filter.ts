/** Listings narrowed to what the caller may read (MLflow filters experiment and model searches the same way). */

import type { AuthService } from "../../auth/auth-service.js";
import { allows } from "../../auth/permission.js";
import type { Principal } from "../../auth/principal.js";
import type { ResourceType } from "../../core/api/access.js";

/** For each listing type: the answer's array fields and, per item, the field naming the resource. */
const LISTS: Record<ResourceType, [array: string, key: string][]> = {
  experiment: [["experiments", "experiment_id"]],
  registered_model: [
    ["registered_models", "name"],
    ["model_versions", "name"],
  ],
  dataset: [["datasets", "name"]],
  deployment: [
    ["deployments", "name"],
    ["monitors", "deployment"],
    ["alerts", "deployment"],
  ],
  pipeline: [["runs", "pipeline"]],
};

/** Remove the items of a JSON answer the caller may not read. Non-JSON payloads pass unchanged. */
export async function filterListing(
  auth: AuthService,
  p: Principal,
  type: ResourceType,
  payload: unknown,
): Promise<unknown> {
  // With READ as the default, only an explicit NO_PERMISSIONS grant can hide something.
  if (
    auth.defaultPermission !== "none" &&
    !(await auth.listGrants({ resourceType: type, userId: p.userId })).some((g) => g.permission === "none")
  )
    return payload;
  if (typeof payload !== "string") return payload;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(payload) as Record<string, unknown>;
  } catch {
    return payload;
  }
  for (const [array, key] of LISTS[type]) {
    const items = body[array];
    if (!Array.isArray(items)) continue;
    const kept = [];
    for (const item of items) {
      const id = (item as Record<string, unknown>)[key];
      if (typeof id === "string" && allows(await auth.permissionOf(p, type, id), "read")) kept.push(item);
    }
    body[array] = kept;
  }
  return JSON.stringify(body);
}
