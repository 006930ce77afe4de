/**
 * The Job a pipeline's `container` step creates passes `kubectl apply --dry-run=client
 * --validate=strict` against the Kubernetes 1.32 schema (the published swagger.json served by the
 * loopback fake API server of the deploy/kubernetes tests), with every optional part present.
 * Skipped, as those tests are, without kubectl or the schema fixture.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { gunzipSync } from "node:zlib";
import { containerStepJob } from "./support/container-step-job.js";
import type { FakeKubeApi } from "./support/fake-kube-api.js";
import { kubeconfigFor, startFakeKubeApi } from "./support/fake-kube-api.js";
import { NO_OPENAPI_FIXTURE, OPENAPI_FIXTURE } from "./support/kube-openapi-fixture.js";
import { NO_KUBECTL } from "./support/kustomize.js";

const skip = NO_KUBECTL || NO_OPENAPI_FIXTURE;

describe("a container step's Job under kubectl --validate=strict (Kubernetes 1.32 schema)", { skip }, () => {
  let api: FakeKubeApi;
  let dir: string;
  before(async () => {
    api = await startFakeKubeApi(JSON.parse(gunzipSync(readFileSync(OPENAPI_FIXTURE as string)).toString("utf8")));
    dir = mkdtempSync(join(tmpdir(), "mw-kubectl-job-"));
    writeFileSync(join(dir, "kubeconfig"), kubeconfigFor(api.url, "ml"));
  });
  after(async () => {
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const apply = async (manifest: unknown) => {
    const file = join(dir, "job.json");
    writeFileSync(file, JSON.stringify(manifest));
    const env = { PATH: process.env.PATH, KUBECONFIG: join(dir, "kubeconfig"), HOME: dir };
    try {
      const { stdout } = await promisify(execFile)(
        "kubectl",
        ["apply", "--dry-run=client", "--validate=strict", "-f", file],
        {
          env,
        },
      );
      return { code: 0, out: stdout };
    } catch (e) {
      const err = e as { code?: number; stderr?: string };
      return { code: err.code ?? -1, out: err.stderr ?? "" };
    }
  };

  test("the Job passes; a misspelt field fails (the check bites)", async () => {
    const manifest = containerStepJob();
    const ok = await apply(manifest);
    assert.equal(ok.code, 0, ok.out);
    assert.match(ok.out, /job\.batch\/mw-churn-train-0a1b2c3d created \(dry run\)/);
    const bad = JSON.parse(JSON.stringify(manifest).replace('"backoffLimit"', '"backOffLimit"'));
    const refused = await apply(bad);
    assert.notEqual(refused.code, 0);
    assert.match(refused.out, /unknown field "backOffLimit"/);
  });
});
