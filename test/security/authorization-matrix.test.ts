/**
 * Every route of `modelworks up`, called as anonymous, a reader, an editor, a manager and an admin:
 * each answer must be what the route's declared access says (401 / 403 / allowed), and a route
 * that declared nothing could not even be registered. Handlers are short-circuited after the
 * authorization layer, so the matrix tests decisions, not side effects.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Access, Level, ResourceType } from "../../src/core/api/access.js";
import type { DeclaredRoute } from "../../src/server/auth/auth-gate.js";
import type { SecureApp } from "./support/secure-app.js";
import { addUser, startSecureApp } from "./support/secure-app.js";

const CALLERS = ["anonymous", "reader", "editor", "manager", "admin"] as const;
type Caller = (typeof CALLERS)[number];
const HELD: Record<Caller, Level | "none"> = {
  anonymous: "none",
  reader: "read",
  editor: "edit",
  manager: "manage",
  admin: "manage",
};
const RANK = { none: 0, read: 1, edit: 2, manage: 3 };
const NAMES: Record<ResourceType, string> = {
  experiment: "",
  registered_model: "m",
  dataset: "ds",
  deployment: "dep",
  pipeline: "p",
};

/** What the caller should get from a route: 401, 403 or through to the handler. */
function expected(a: Access, caller: Caller): 401 | 403 | "allowed" {
  if (a.kind === "public") return "allowed";
  if (caller === "anonymous") return 401;
  switch (a.kind) {
    case "user":
      return "allowed";
    case "admin":
    case "self": // the matrix names another user (admin), so only admins pass
      return caller === "admin" ? "allowed" : 403;
    case "predict":
      return "allowed";
    case "resource":
      // Datasets and deployments named here do not exist yet: creating them needs only a sign-in.
      if (a.orCreate) return "allowed";
      // The matrix names a logged model in every request, so a second requirement (`also`) applies too.
      return RANK[HELD[caller]] >= Math.max(RANK[a.level], a.also ? RANK[a.also.level] : 0) ? "allowed" : 403;
  }
}

describe("authorization matrix: every route × anonymous, reader, editor, manager, admin", () => {
  let s: SecureApp;
  let routes: DeclaredRoute[];
  let experimentId: string;
  let runId: string;
  let loggedModelId: string;
  let pipelineRunId: string;

  before(async () => {
    s = await startSecureApp({
      defaultPermission: "none",
      hooks: (app) => app.addHook("preHandler", async (_req, reply) => reply.status(418).send({ reached: true })),
    });
    routes = s.app.declaredRoutes.filter((r) => r.method !== "HEAD");
    const auth = s.platform.authService;
    experimentId = await s.platform.tracking.createExperiment({ name: "matrix" });
    runId = (await s.platform.tracking.createRun({ experimentId })).info.run_id;
    loggedModelId = (await s.platform.tracking.createLoggedModel({ experimentId })).info.model_id;
    await s.platform.registry.createRegisteredModel({ name: "m" });
    pipelineRunId = "pr1";
    await s.platform.pipelineRuns.create(
      {
        id: pipelineRunId,
        pipeline: "p",
        spec: { name: "p", params: {}, concurrency: "queue", triggers: [], steps: [] },
        params: {},
        status: "succeeded",
        trigger: "manual",
        createdTime: 1,
      },
      [],
    );
    NAMES.experiment = experimentId;
    for (const [caller, level] of [
      ["reader", "read"],
      ["editor", "edit"],
      ["manager", "manage"],
    ] as const) {
      await addUser(s, caller);
      const u = await auth.getUser(caller);
      for (const [type, id] of Object.entries(NAMES))
        await auth.setGrant({ resourceType: type as ResourceType, resourceId: id, userId: u.id, permission: level });
    }
  });
  after(() => s.close());

  test("the surface is whole: MLflow, artifacts, platform, auth, inference, hooks and UI routes are all declared", () => {
    const urls = new Set(routes.map((r) => r.url));
    for (const u of [
      "/api/2.0/mlflow/runs/log-batch",
      "/api/2.0/mlflow/logged-models/:model_id",
      "/ajax-api/2.0/mlflow/runs/outputs",
      "/ajax-api/2.0/mlflow/registered-models/alias",
      "/api/2.0/mlflow-artifacts/artifacts/*",
      "/api/modelworks/v1/deployments/:name",
      "/api/modelworks/v1/pipelines/runs/:run_id/steps/:step/log",
      "/api/2.0/mlflow/users/create",
      "/api/2.0/mlflow/experiments/permissions/create",
      "/api/modelworks/v1/tokens",
      "/deployments/:deployment/invocations",
      "/v2/models/:name/infer",
      "/feedback",
      "/hooks/git",
      "/get-artifact",
      "/health",
    ])
      assert.ok(urls.has(u), `${u} is mounted`);
    assert.ok(routes.length > 200, `${routes.length} routes`);
  });

  test("each caller gets exactly what each route declares, and never a 5xx", async () => {
    const wrong: string[] = [];
    for (const r of routes) {
      for (const caller of CALLERS) {
        const { url, body, query } = request(r, caller);
        const res = await s.app.inject({
          method: r.method as "GET",
          url: query ? `${url}?${query}` : url,
          headers: {
            ...(caller === "anonymous" ? {} : { authorization: s.auth[caller] as string }),
            ...(body !== undefined ? { "content-type": "application/json" } : {}),
          },
          ...(body !== undefined ? { payload: body } : {}),
        });
        const want = expected(r.access, caller);
        const got = res.statusCode === 401 || res.statusCode === 403 ? res.statusCode : "allowed";
        if (got !== want || res.statusCode >= 500)
          wrong.push(
            `${r.method} ${r.url} as ${caller}: ${res.statusCode} (expected ${want}) ${res.body.slice(0, 160)}`,
          );
      }
    }
    assert.deepEqual(wrong, []);
  });

  /** A request that names the resources this caller holds grants on. */
  function request(r: DeclaredRoute, caller: Caller): { url: string; body?: string; query?: string } {
    const a = r.access;
    const type = a.kind === "resource" ? a.type : "deployment";
    const fields: Record<string, unknown> = {
      experiment_id: experimentId,
      experiment_ids: [experimentId],
      run_id: a.kind === "resource" && a.ref === "pipeline_run" ? pipelineRunId : runId,
      run_ids: [runId],
      model_id: loggedModelId,
      name: NAMES[type],
      username: "admin",
      version: "1",
      key: "k",
      alias: "a",
    };
    const artifact = `${experimentId}/${runId}/artifacts/x.txt`;
    if (a.kind === "resource" && a.ref === "artifact_path") fields.path = artifact;
    const url = r.url
      .replace(/:(\w+)/g, (_m, k: string) =>
        encodeURIComponent(String(k === "deployment" ? "dep" : (fields[k] ?? "x"))),
      )
      .replace("*", artifact);
    void caller;
    if (r.method === "GET" || (r.method === "DELETE" && r.url.includes("mlflow-artifacts"))) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) q.append(k, String(one));
      return { url, query: q.toString() };
    }
    return { url, body: JSON.stringify(fields) };
  }
});
