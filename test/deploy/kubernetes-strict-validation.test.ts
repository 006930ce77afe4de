/**
 * Every manifest of every deploy/kubernetes overlay passes `kubectl apply --dry-run=client
 * --validate=strict` against the Kubernetes 1.32 API schema: the project's published
 * api/openapi-spec/swagger.json for v1.32.0, served on loopback by a fake API server
 * (support/fake-kube-api.ts; the fixture's source and digest are in
 * test-fixtures/kubernetes/README.md). Deliberately broken manifests fail, so the check bites.
 * No cluster is involved and nothing is written.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { BROKEN_EDITS } from "./support/broken-manifests.js";
import type { FakeKubeApi } from "./support/fake-kube-api.js";
import { kubeconfigFor, startFakeKubeApi } from "./support/fake-kube-api.js";
import { NO_OPENAPI_FIXTURE, OPENAPI_FIXTURE, OPENAPI_FIXTURE_SHA256 } from "./support/kube-openapi-fixture.js";
import { NO_KUBECTL, OVERLAYS, renderOverlayYaml } from "./support/kustomize.js";

const skip = NO_KUBECTL || NO_OPENAPI_FIXTURE;

/** The Prometheus Operator's kind: served by a cluster where its CRDs are installed. */
const SERVICE_MONITOR = {
  group: "monitoring.coreos.com",
  version: "v1",
  kind: "ServiceMonitor",
  plural: "servicemonitors",
  namespaced: true,
};

describe("deploy/kubernetes against the Kubernetes 1.32 schema (kubectl --validate=strict)", { skip }, () => {
  let api: FakeKubeApi;
  let dir: string;

  before(async () => {
    const bytes = gunzipSync(readFileSync(OPENAPI_FIXTURE as string));
    assert.equal(
      createHash("sha256").update(bytes).digest("hex"),
      OPENAPI_FIXTURE_SHA256,
      "the published document, unchanged",
    );
    api = await startFakeKubeApi(JSON.parse(bytes.toString("utf8")), [SERVICE_MONITOR]);
    dir = mkdtempSync(join(tmpdir(), "mw-kubectl-"));
    writeFileSync(join(dir, "kubeconfig"), kubeconfigFor(api.url, "modelworks"));
  });
  after(async () => {
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** `kubectl apply --dry-run=client --validate=strict` of a YAML text: its exit code and output. */
  async function apply(yaml: string, name: string) {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, yaml);
    const args = ["apply", "--dry-run=client", "--validate=strict", "-f", file];
    // HOME: kubectl's discovery cache stays in the temporary folder.
    const env = { PATH: process.env.PATH, KUBECONFIG: join(dir, "kubeconfig"), HOME: dir };
    try {
      const { stdout, stderr } = await promisify(execFile)("kubectl", args, { env, maxBuffer: 16 << 20 });
      return { code: 0, stdout, stderr };
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string };
      return { code: err.code ?? -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
    }
  }

  for (const overlay of OVERLAYS)
    test(`overlays/${overlay}: every manifest passes`, async () => {
      const yaml = renderOverlayYaml(overlay);
      const kinds = yaml.match(/^kind: .+$/gm) ?? [];
      const r = await apply(yaml, overlay);
      assert.equal(r.code, 0, r.stderr);
      const created = r.stdout.trim().split("\n");
      assert.equal(created.length, kinds.length, r.stdout);
      for (const line of created) assert.match(line, / created \(dry run\)$/);
      // kubectl validated against the served schema (it asks for it only to validate).
      assert.ok(api.requests.includes("GET /openapi/v2"));
    });

  test("broken manifests fail: an unknown field, a wrong type, a missing required field", async () => {
    const rendered = renderOverlayYaml("scaled");
    for (const { from, to, kubectl } of BROKEN_EDITS) {
      assert.ok(rendered.includes(from), from);
      const r = await apply(rendered.replace(from, to), "broken");
      assert.notEqual(r.code, 0, `${to} passed`);
      assert.match(r.stderr, kubectl);
    }
  });

  test("a custom resource is checked only as far as its kind: kubectl has no schema for it here", async () => {
    // On a cluster with the Prometheus Operator's CRDs, the API server's OpenAPI document carries
    // their schemas; the published core document does not, so a ServiceMonitor's fields go unchecked.
    const monitor = ["apiVersion: monitoring.coreos.com/v1", "kind: ServiceMonitor", "metadata:", "  name: x"];
    const r = await apply([...monitor, "spec:", "  notAField: 1", ""].join("\n"), "monitor");
    assert.equal(r.code, 0, r.stderr);
    const unknown = await apply([...monitor, ""].join("\n").replace("ServiceMonitor", "ServiceMonitr"), "unknown");
    assert.match(unknown.stderr, /no matches for kind "ServiceMonitr"/);
  });
});
