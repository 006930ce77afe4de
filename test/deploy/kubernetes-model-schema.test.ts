/**
 * Every manifest of every deploy/kubernetes overlay, and the Job a pipeline's container step
 * creates, checked strictly against the Kubernetes 1.32 API definitions that @kubernetes/client-node
 * 1.1.2 was generated from (support/kube-model-schema.ts): unknown fields refused, types and
 * required fields checked, apiVersion and kind those of a served kind. The published document
 * itself cannot be committed, so this is the check CI runs; where a copy of it is found, the last
 * test shows both give the same definitions for every kind used here, and
 * kubernetes-strict-validation.test.ts runs kubectl against it.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { parseAllDocuments } from "yaml";
import { BROKEN_EDITS } from "./support/broken-manifests.js";
import { containerStepJob } from "./support/container-step-job.js";
import type { Definition } from "./support/kube-model-schema.js";
import {
  kindDefinition,
  manifestProblems,
  modelDefinitions,
  modelsOpenApiVersion,
} from "./support/kube-model-schema.js";
import { NO_OPENAPI_FIXTURE, OPENAPI_FIXTURE } from "./support/kube-openapi-fixture.js";
import { definitionDifferences } from "./support/kube-schema-compare.js";
import type { Manifest } from "./support/kustomize.js";
import { NO_KUBECTL, OVERLAYS, renderOverlay, renderOverlayYaml } from "./support/kustomize.js";

/** The Prometheus Operator's kind: a custom resource, in no core schema (its fields: kubernetes-manifests.test.ts). */
const CUSTOM = "monitoring.coreos.com/v1 ServiceMonitor";

describe("deploy/kubernetes against the Kubernetes 1.32 definitions of @kubernetes/client-node 1.1.2", () => {
  let defs: Record<string, Definition>;
  before(async () => {
    defs = await modelDefinitions();
  });

  test("the definitions are those of Kubernetes v1.32.0, read as the published document has them", () => {
    assert.equal(modelsOpenApiVersion(), "v1.32.0");
    assert.ok(Object.keys(defs).length > 600, `${Object.keys(defs).length} definitions`);
    assert.deepEqual(defs.V1ContainerPort?.required, ["containerPort"]);
    assert.deepEqual((defs.V1Probe?.properties as Record<string, unknown> | undefined)?.timeoutSeconds, {
      type: "integer",
      format: "int32",
    });
    assert.equal(kindDefinition("apps/v1", "Deployment"), "V1Deployment");
    assert.equal(kindDefinition("rbac.authorization.k8s.io/v1", "RoleBinding"), "V1RoleBinding");
    assert.equal(kindDefinition("autoscaling/v2", "HorizontalPodAutoscaler"), "V2HorizontalPodAutoscaler");
    assert.equal(kindDefinition("v1", "Namespace"), "V1Namespace");
    // Gone from the API (1.16, 1.25), and a kind its group never had: no definition.
    assert.equal(kindDefinition("extensions/v1beta1", "Deployment"), undefined);
    assert.equal(kindDefinition("policy/v1beta1", "PodDisruptionBudget"), undefined);
    assert.equal(kindDefinition("apps/v1", "Job"), undefined);
  });

  for (const overlay of OVERLAYS)
    test(`overlays/${overlay}: every manifest passes`, { skip: NO_KUBECTL }, () => {
      const manifests = renderOverlay(overlay);
      const checked = manifests.filter((m) => `${m.apiVersion} ${m.kind}` !== CUSTOM);
      assert.equal(manifests.length - checked.length, 1, "the ServiceMonitor is the one custom resource");
      assert.ok(checked.some((m) => m.kind === "Role") && checked.some((m) => m.kind === "RoleBinding"));
      for (const m of checked) assert.deepEqual(manifestProblems(m, defs), [], `${m.kind} ${m.metadata.name}`);
      const monitor = manifests.find((m) => m.kind === "ServiceMonitor") as Manifest;
      assert.deepEqual(manifestProblems(monitor, defs), ["no kind ServiceMonitor in monitoring.coreos.com/v1"]);
    });

  test("broken manifests fail: unknown fields, a wrong type, a missing required field", { skip: NO_KUBECTL }, () => {
    const rendered = renderOverlayYaml("scaled");
    for (const { from, to, derived } of BROKEN_EDITS) {
      assert.ok(rendered.includes(from), from);
      const problems = parseAllDocuments(rendered.replace(from, to)).flatMap((d) => {
        const m = d.toJS() as Manifest;
        return `${m.apiVersion} ${m.kind}` === CUSTOM ? [] : manifestProblems(m, defs);
      });
      assert.ok(problems.length > 0, `${to} passed`);
      assert.match(problems.join("\n"), derived);
    }
  });

  test("a container step's Job passes; a misspelt field, a wrong type, a removed apiVersion fail", () => {
    const job = containerStepJob() as Manifest;
    assert.deepEqual(manifestProblems(job, defs), []);
    const text = JSON.stringify(job);
    const misspelt = JSON.parse(text.replace('"backoffLimit"', '"backOffLimit"'));
    assert.deepEqual(manifestProblems(misspelt, defs), ["spec.backOffLimit: unknown field"]);
    const wrongType = JSON.parse(text.replace('"runAsNonRoot":true', '"runAsNonRoot":"yes"'));
    assert.deepEqual(manifestProblems(wrongType, defs), [
      "spec.template.spec.securityContext.runAsNonRoot: expected true or false",
    ]);
    assert.deepEqual(manifestProblems({ ...job, apiVersion: "batch/v2" }, defs), ["no kind Job in batch/v2"]);
  });

  test("the published v1.32.0 document has the same definitions for every kind used here", {
    skip: NO_KUBECTL || NO_OPENAPI_FIXTURE,
  }, () => {
    const published = JSON.parse(gunzipSync(readFileSync(OPENAPI_FIXTURE as string)).toString("utf8")).definitions;
    const kinds = new Set<string>();
    for (const m of [...OVERLAYS.flatMap((o) => renderOverlay(o)), containerStepJob() as Manifest])
      if (`${m.apiVersion} ${m.kind}` !== CUSTOM) kinds.add(`${m.apiVersion} ${m.kind}`);
    const { compared, differences } = definitionDifferences([...kinds], published, defs);
    assert.deepEqual(differences, []);
    assert.ok(compared > 100, `${compared} definitions compared`);
  });
});
