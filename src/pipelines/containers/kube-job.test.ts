/**
 * The Job a container step creates, checked against the Kubernetes 1.32 OpenAPI schema of batch/v1
 * Job (the published document, where a copy is found; skipped otherwise), and the settings that
 * matter: deadline, no retries, non-root, resources, Secret refs.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { sharedDataDir } from "../../core/test-support/shared-data.js";
import { openapiProblems } from "../test-support/openapi-check.js";
import type { ContainerJob } from "./container-job.js";
import { kubeJobManifest } from "./kube-job.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const NAME = "kubernetes-v1.32.0-swagger.json.gz";
const SHARED = sharedDataDir("kubernetes");
const FULL = [
  ...(SHARED ? [join(SHARED, NAME)] : []),
  join(ROOT, "../shared/data", NAME),
  join(ROOT, "test-fixtures/kubernetes", NAME),
];

/**
 * The 1.32 definitions from the published swagger.json, when a copy is in the shared data folder
 * (`kubernetes/` there or of MODELWORKS_TEST_DATA_DIR) or in test-fixtures/kubernetes (not
 * committed: third-party files stay out of the repository). Without it,
 * test/deploy/kubernetes-model-schema.test.ts checks the Job against the derived definitions.
 */
function definitions(): { source: string; defs: Record<string, unknown> } | undefined {
  const full = FULL.find((p) => existsSync(p));
  if (!full) return undefined;
  return { source: full, defs: JSON.parse(gunzipSync(readFileSync(full)).toString("utf8")).definitions };
}

const JOB: ContainerJob = {
  name: "mw-churn-train-0a1b2c3d",
  image: "ghcr.io/acme/churn-train:1.4",
  command: ["python", "train.py"],
  args: ["--epochs", "3"],
  env: [
    { name: "MODE", value: "full" },
    { name: "DB_PASSWORD", secretRef: { name: "churn-db", key: "password" } },
  ],
  resources: { cpu: "500m", memory: "2Gi" },
  timeoutMs: 1_800_500,
  labels: { "app.kubernetes.io/managed-by": "modelworks", "modelworks.dev/step": "train" },
  secrets: [],
};

describe("the Kubernetes Job of a container step", () => {
  const schema = definitions();
  const defs = schema?.defs ?? {};
  const skip = schema ? false : `no ${NAME} in the shared data folder or test-fixtures/kubernetes/`;

  test("validates strictly against the 1.32 schema of batch/v1 Job", { skip }, () => {
    const manifest = kubeJobManifest(JOB, { namespace: "ml", serviceAccount: "pipelines" });
    assert.deepEqual(openapiProblems(manifest, "io.k8s.api.batch.v1.Job", defs), []);
    const minimal = kubeJobManifest(
      { ...JOB, command: undefined, args: undefined, resources: undefined, env: [] } as ContainerJob,
      { namespace: "ml" },
    );
    assert.deepEqual(openapiProblems(minimal, "io.k8s.api.batch.v1.Job", defs), []);
  });

  test("the checker refuses what strict validation refuses (so a pass means something)", { skip }, () => {
    const manifest = kubeJobManifest(JOB, { namespace: "ml" }) as { spec: Record<string, unknown>; kind: string };
    const bad = { ...manifest, kind: "Jobs", spec: { ...manifest.spec, backoffLimit: "0", retries: 2 } };
    assert.deepEqual(openapiProblems(bad, "io.k8s.api.batch.v1.Job", defs).sort(), [
      "kind: expected Job, got Jobs",
      'spec.backoffLimit: expected an integer, got "0"',
      "spec.retries: unknown field",
    ]);
  });

  test("deadline from the timeout, no retries, non-root, resources requested and limited, Secret refs", () => {
    // biome-ignore lint/suspicious/noExplicitAny: a deep look into plain JSON
    const m = kubeJobManifest(JOB, { namespace: "ml" }) as any;
    assert.equal(m.metadata.namespace, "ml");
    assert.equal(m.spec.activeDeadlineSeconds, 1801);
    assert.equal(m.spec.backoffLimit, 0);
    const pod = m.spec.template.spec;
    assert.equal(pod.restartPolicy, "Never");
    assert.equal(pod.automountServiceAccountToken, false);
    assert.equal(pod.securityContext.runAsNonRoot, true);
    const [c] = pod.containers;
    assert.deepEqual(c.command, ["python", "train.py"]);
    assert.deepEqual(c.args, ["--epochs", "3"]);
    assert.deepEqual(c.securityContext, {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ["ALL"] },
      runAsNonRoot: true,
    });
    assert.deepEqual(c.resources, { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "500m", memory: "2Gi" } });
    assert.deepEqual(c.env, [
      { name: "MODE", value: "full" },
      { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "churn-db", key: "password" } } },
    ]);
    assert.deepEqual(m.spec.template.metadata.labels, JOB.labels);
  });
});
