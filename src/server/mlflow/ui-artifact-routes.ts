/** MLflow's non-proto artifact routes the UI uses: `/get-artifact` and `/model-versions/get-artifact`. */
import type { FastifyInstance, FastifyReply } from "fastify";
import { access } from "../../core/api/access.js";
import { invalidParam } from "../../core/errors.js";
import type { RegistryStore } from "../../registry/registry-store.js";
import type { ArtifactStore } from "../../tracking/artifacts/artifact-store.js";
import { proxiedPath } from "../../tracking/artifacts/proxied-uri.js";
import type { TrackingStore } from "../../tracking/tracking-store.js";
import { sendArtifact } from "./content-type.js";

type Query = Record<string, string | string[] | undefined>;

function one(q: Query, key: string, required = true): string {
  const v = q[key];
  const s = Array.isArray(v) ? v[0] : v;
  if (required && !s) throw invalidParam(`Missing value for required parameter '${key}'.`);
  return s ?? "";
}

/** Register the UI artifact download routes. */
export function uiArtifactRoutes(
  app: FastifyInstance,
  deps: { tracking: TrackingStore; registry: RegistryStore; artifacts: ArtifactStore },
): void {
  const send = async (reply: FastifyReply, rootUri: string, rel: string) => {
    const root = proxiedPath(rootUri);
    if (root === undefined) throw invalidParam(`Artifacts at '${rootUri}' are not served by this server.`);
    const path = rel ? `${root}/${rel.replace(/^\/+/, "")}` : root;
    return sendArtifact(reply, deps.artifacts, path, "inline");
  };
  app.get("/get-artifact", { config: { access: access.on("experiment", "read", "run") } }, async (req, reply) => {
    const q = req.query as Query;
    const runId = one(q, "run_id", false) || one(q, "run_uuid");
    const run = await deps.tracking.getRun(runId);
    return send(reply, run.info.artifact_uri, one(q, "path"));
  });
  app.get(
    "/model-versions/get-artifact",
    { config: { access: access.on("registered_model", "read", "name") } },
    async (req, reply) => {
      const q = req.query as Query;
      const uri = await deps.registry.getModelVersionDownloadUri({ name: one(q, "name"), version: one(q, "version") });
      return send(reply, uri, one(q, "path"));
    },
  );
}
