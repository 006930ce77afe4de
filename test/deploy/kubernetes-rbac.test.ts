/**
 * The control plane's Kubernetes permissions (deploy/kubernetes/base/rbac.yaml) are exactly the
 * calls the container steps' Kubernetes backend makes: the backend runs, through
 * @kubernetes/client-node, against the recorded-response fake API server (a step that completes
 * with its log, a cancelled one that deletes its Job), each request is turned into the verb and
 * resource the API server authorizes, and that set must equal what the Role grants. The replicas
 * that run pipelines use the ServiceAccount and name the Role's namespace; the serving fleet has
 * no token.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { kubeBackend } from "../../src/pipelines/containers/kube-backend.js";
import { kubeClient } from "../../src/pipelines/containers/kube-client.js";
import type { FakeKubeApi, FakeRequest, FakeScenario } from "../../src/pipelines/test-support/fake-kube-api.js";
import { fakeKubeApi } from "../../src/pipelines/test-support/fake-kube-api.js";
import type { Manifest } from "./support/kustomize.js";
import { NO_KUBECTL, OVERLAYS, renderOverlay } from "./support/kustomize.js";

/** The verb and resource the API server authorizes a request as (its request-info rules), e.g. `get batch/jobs/status`. */
function authorizedAs(r: FakeRequest): string {
  const m = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)\/namespaces\/[^/]+\/([^/]+)(?:\/([^/]+)(?:\/([^/]+))?)?$/.exec(r.path);
  if (!m) throw new Error(`not a namespaced resource: ${r.path}`);
  const [, group = "", resource, name, sub] = m;
  const watch = r.query.watch === "true" || r.query.watch === "1";
  const verbs: Record<string, string> = name
    ? { GET: "get", DELETE: "delete", PUT: "update", PATCH: "patch" }
    : { GET: watch ? "watch" : "list", POST: "create", DELETE: "deletecollection" };
  return `${verbs[r.method] ?? r.method} ${group || "core"}/${resource}${sub ? `/${sub}` : ""}`;
}

/** What a Role's rules grant, one `verb group/resource` each. */
function granted(role: Manifest): string[] {
  return role.rules.flatMap((rule: Manifest) =>
    rule.verbs.flatMap((verb: string) =>
      rule.apiGroups.flatMap((g: string) => rule.resources.map((res: string) => `${verb} ${g || "core"}/${res}`)),
    ),
  );
}

const RUNNING = { phase: "Running", containerStatuses: [{ name: "step", state: { running: {} } }] };
const DONE = {
  phase: "Succeeded",
  containerStatuses: [{ name: "step", state: { terminated: { exitCode: 0, reason: "Completed" } } }],
};
const JOB = {
  name: "mw-churn-train-0a1b2c3d",
  image: "ghcr.io/acme/churn-train:1.4",
  env: [],
  timeoutMs: 60_000,
  labels: { "app.kubernetes.io/managed-by": "modelworks" },
  secrets: [],
};

describe("the control plane's RBAC: exactly the container backend's calls", () => {
  let fake: FakeKubeApi;
  const calls = new Set<string>();
  const run = async (scenario: FakeScenario, signal: AbortSignal, lines: string[] = []) => {
    fake.scenario = scenario;
    const api = await kubeClient({ kubeconfigText: fake.kubeconfig });
    return kubeBackend({ api, namespace: "modelworks", pollMs: 5, logDrainMs: 500 }).run(JOB, {
      log: (l) => lines.push(l),
      signal,
    });
  };
  before(async () => {
    fake = await fakeKubeApi({ statuses: [], pods: [], log: [] });
    // A step that completes (create, status reads, pod list, log) ...
    const completes = { type: "Complete", status: "True" };
    await run(
      { statuses: [{ active: 1 }, { succeeded: 1, conditions: [completes] }], pods: [DONE], log: ["done"] },
      new AbortController().signal,
    );
    // ... and one cancelled while it runs (the Job is deleted).
    const controller = new AbortController();
    const lines: string[] = [];
    const running = run(
      { statuses: [{ active: 1 }], pods: [RUNNING], log: ["training"], holdLog: true },
      controller.signal,
      lines,
    );
    while (!lines.includes("training")) await new Promise((r) => setTimeout(r, 5));
    controller.abort(new Error("cancelled"));
    await assert.rejects(running);
    for (const r of fake.requests) calls.add(authorizedAs(r));
  });
  after(() => fake?.close());

  test("the backend's requests, as the API server authorizes them", () => {
    assert.deepEqual([...calls].sort(), [
      "create batch/jobs",
      "delete batch/jobs",
      "get batch/jobs/status",
      "get core/pods/log",
      "list core/pods",
    ]);
  });

  for (const overlay of OVERLAYS)
    test(`overlays/${overlay}: the Role grants exactly those, to the ServiceAccount the pipeline replicas run as`, {
      skip: NO_KUBECTL,
    }, () => {
      const manifests = renderOverlay(overlay);
      const of = (kind: string) => manifests.filter((m) => m.kind === kind);
      assert.deepEqual(of("ClusterRole").concat(of("ClusterRoleBinding")), [], "nothing cluster-wide");
      const [role] = of("Role");
      assert.deepEqual(granted(role).sort(), [...calls].sort());
      const [account] = of("ServiceAccount");
      assert.equal(account.automountServiceAccountToken, false, "a token only where a pod asks for one");
      const [binding] = of("RoleBinding");
      assert.deepEqual(binding.roleRef, {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "Role",
        name: role.metadata.name,
      });
      const namespace = role.metadata.namespace;
      assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: account.metadata.name, namespace }]);
      for (const d of of("Deployment")) {
        const pod = d.spec.template.spec;
        const args: string[] = pod.containers[0].args;
        const flag = (f: string) => (args.includes(f) ? args[args.indexOf(f) + 1] : undefined);
        if (flag("--role") === "serving") {
          assert.equal(pod.serviceAccountName, undefined, d.metadata.name);
          assert.equal(pod.automountServiceAccountToken, false, "the serving fleet never calls the Kubernetes API");
          continue;
        }
        assert.equal(pod.serviceAccountName, account.metadata.name, d.metadata.name);
        assert.equal(pod.automountServiceAccountToken, true, "the in-cluster client reads the mounted token");
        assert.equal(flag("--container-backend"), "kubernetes");
        assert.equal(flag("--kube-namespace"), namespace, "the Jobs go where the Role applies");
      }
    });
});
