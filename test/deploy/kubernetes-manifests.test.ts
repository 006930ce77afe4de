/**
 * deploy/kubernetes, each overlay as `kubectl kustomize` renders it, checked against the code it
 * runs: container arguments the CLI's own parser accepts, probes on the health routes the servers
 * have, Services, autoscaler, disruption budgets, ServiceMonitor and NetworkPolicy that reach the
 * pods they name, environment variables the code reads, secrets only by reference, pods that run
 * non-root on a read-only root filesystem. The schema itself is checked by
 * kubernetes-strict-validation.test.ts.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../../src/cli/test-support/capture-io.js";
import type { Manifest } from "./support/kustomize.js";
import { KUBERNETES_DIR, NO_KUBECTL, OVERLAYS, ROOT, renderOverlay } from "./support/kustomize.js";

/** The value after `flag` in `args`. */
const flagValue = (args: string[], flag: string) => args[args.indexOf(flag) + 1];
/** Whether every label of `selector` is on `labels`. */
const selects = (selector: Record<string, string>, labels: Record<string, string> = {}) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Every string in a parsed document, however deep. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

/** The non-test TypeScript sources, concatenated (to find the environment variables the code reads). */
function sources(dir: string): string {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .map((p) =>
      statSync(p).isDirectory()
        ? sources(p)
        : p.endsWith(".ts") && !p.endsWith(".test.ts")
          ? readFileSync(p, "utf8")
          : "",
    )
    .join("\n");
}

const README = readFileSync(join(KUBERNETES_DIR, "README.md"), "utf8");
const DOCKERFILE = readFileSync(join(ROOT, "Dockerfile"), "utf8");

describe("deploy/kubernetes overlays", { skip: NO_KUBECTL }, () => {
  const home = mkdtempSync(join(tmpdir(), "mw-k8s-"));
  after(() => rmSync(home, { recursive: true, force: true }));
  const rendered = new Map(NO_KUBECTL ? [] : OVERLAYS.map((o) => [o, renderOverlay(o)]));
  const of = (o: string, kind: string): Manifest[] => (rendered.get(o) ?? []).filter((m) => m.kind === kind);
  const containersOf = (o: string) =>
    of(o, "Deployment").flatMap((d) => d.spec.template.spec.containers.map((c: Manifest) => ({ d, c })));
  const roleOf = (c: Manifest) => flagValue(c.args, "--role");

  test("the layouts: one all-in-one pod; a control plane and a serving fleet", () => {
    assert.deepEqual(OVERLAYS, ["scaled", "scaled-request-rate", "single"]);
    const single = of("single", "Deployment");
    assert.deepEqual(
      single.map((d) => [d.spec.replicas, d.spec.strategy.type, roleOf(d.spec.template.spec.containers[0])]),
      [[1, "Recreate", "all"]],
      "SQLite has one writer: one replica, the old pod gone before the new one starts",
    );
    for (const o of ["scaled", "scaled-request-rate"])
      assert.deepEqual(
        containersOf(o)
          .map(({ c }) => roleOf(c))
          .sort(),
        ["control", "serving"],
      );
    for (const [o, manifests] of rendered) {
      for (const m of manifests.filter((x) => x.kind !== "Namespace"))
        assert.equal(m.metadata.namespace, "modelworks", `${o}: ${m.kind}/${m.metadata.name}`);
      for (const { c } of containersOf(o)) assert.match(c.image, /^registry\.example\.com\/modelworks:/);
    }
  });

  test("container arguments are flags `modelworks up` really has", async () => {
    assert.match(DOCKERFILE, /^ENTRYPOINT \["node", "bin\/modelworks\.js"\]$/m);
    for (const o of OVERLAYS)
      for (const { c } of containersOf(o)) {
        assert.equal(c.command, undefined, "the image's entrypoint (node bin/modelworks.js) takes the args");
        assert.equal(c.args[0], "up");
        assert.ok(["all", "control", "serving"].includes(roleOf(c)), `${o}: --role ${roleOf(c)}`);
        const args = c.args;
        // The command's own parser (strict: unknown flags and missing values are errors) reads the
        // args; --help then stops it before anything opens.
        const io = captureIo(home);
        assert.equal(await main([...args, "--help"], io), 0, `${o}: ${c.args.join(" ")}: ${io.stderr.join("\n")}`);
        assert.notEqual(await main([...args, "--no-such-flag", "--help"], captureIo(home)), 0, "the check can fail");
        assert.equal(flagValue(c.args, "--host"), "0.0.0.0");
      }
  });

  test("probes: /health for startup and liveness; readiness per role on the port --port opens", () => {
    for (const o of OVERLAYS)
      for (const { c } of containersOf(o)) {
        const port = c.ports.find((p: Manifest) => p.name === c.livenessProbe.httpGet.port);
        assert.ok(port, `${o}: the probes name a container port`);
        assert.equal(String(port.containerPort), flagValue(c.args, "--port"));
        for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe])
          assert.equal(probe.httpGet.port, port.name);
        assert.equal(c.startupProbe.httpGet.path, "/health");
        assert.equal(c.livenessProbe.httpGet.path, "/health");
        // Serving is ready when its models are loaded (it predicts through a database outage, so the
        // database must not drain the fleet); the others when the database answers.
        const readiness = roleOf(c) === "serving" ? "/v2/health/ready" : "/health/ready";
        assert.equal(c.readinessProbe.httpGet.path, readiness, `${o}: ${roleOf(c)} readiness`);
      }
  });

  test("Services, the autoscaler and the disruption budgets reach the pods they name", () => {
    for (const o of OVERLAYS) {
      const deployments = of(o, "Deployment");
      const podsOf = (selector: Record<string, string>) =>
        deployments.filter((d) => selects(selector, d.spec.template.metadata.labels));
      for (const svc of of(o, "Service")) {
        const [target, ...more] = podsOf(svc.spec.selector);
        assert.ok(target && more.length === 0, `${o}: Service ${svc.metadata.name} selects one Deployment's pods`);
        assert.deepEqual(target.spec.selector.matchLabels, svc.spec.selector);
        const names = target.spec.template.spec.containers.flatMap((c: Manifest) =>
          c.ports.map((p: Manifest) => p.name),
        );
        for (const p of svc.spec.ports) assert.ok(names.includes(p.targetPort), `${o}: ${svc.metadata.name}:${p.name}`);
      }
      for (const pdb of of(o, "PodDisruptionBudget")) {
        const [target] = podsOf(pdb.spec.selector.matchLabels);
        assert.ok(target, `${o}: PDB ${pdb.metadata.name} selects pods`);
        assert.ok(target.spec.replicas > pdb.spec.maxUnavailable, `${o}: ${pdb.metadata.name} leaves a pod up`);
      }
      for (const hpa of of(o, "HorizontalPodAutoscaler")) {
        const target = deployments.find((d) => d.metadata.name === hpa.spec.scaleTargetRef.name);
        assert.ok(target, `${o}: HPA ${hpa.metadata.name} scales a Deployment`);
        assert.ok(hpa.spec.minReplicas >= 2 && hpa.spec.maxReplicas > hpa.spec.minReplicas);
        // CPU utilization is measured against the containers' requests.
        for (const c of target.spec.template.spec.containers) assert.ok(c.resources.requests.cpu);
        for (const m of hpa.spec.metrics.filter((x: Manifest) => x.type === "Pods"))
          assert.match(README, new RegExp(`as: "?${m.pods.metric.name}"?`), "README gives the adapter rule");
      }
      assert.equal(of(o, "HorizontalPodAutoscaler").length, o === "single" ? 0 : 1);
      assert.equal(of(o, "PodDisruptionBudget").length, o === "single" ? 0 : 2);
    }
    const metrics = (o: string) => of(o, "HorizontalPodAutoscaler")[0].spec.metrics.map((m: Manifest) => m.type);
    assert.deepEqual(metrics("scaled"), ["Resource"]);
    assert.deepEqual(metrics("scaled-request-rate"), ["Resource", "Pods"]);
  });

  test("the ServiceMonitor scrapes /metrics of the pods that serve models; the NetworkPolicy lets it in", () => {
    for (const o of OVERLAYS) {
      const [monitor] = of(o, "ServiceMonitor");
      const scraped = of(o, "Service").filter((s) => selects(monitor.spec.selector.matchLabels, s.metadata.labels));
      assert.ok(scraped.length > 0, `${o}: the ServiceMonitor selects a Service`);
      for (const svc of scraped) {
        const pods = of(o, "Deployment").find((d) => selects(svc.spec.selector, d.spec.template.metadata.labels));
        assert.notEqual(roleOf(pods.spec.template.spec.containers[0]), "control", "control serves no models");
        for (const e of monitor.spec.endpoints) {
          assert.ok(
            svc.spec.ports.some((p: Manifest) => p.name === e.port),
            `${o}: endpoint port ${e.port}`,
          );
          assert.equal(e.path, "/metrics");
        }
      }
      const [policy] = of(o, "NetworkPolicy");
      for (const d of of(o, "Deployment")) {
        assert.ok(selects(policy.spec.podSelector.matchLabels, d.spec.template.metadata.labels), d.metadata.name);
        const port = d.spec.template.spec.containers[0].ports[0].containerPort;
        assert.ok(policy.spec.ingress.some((r: Manifest) => r.ports.some((p: Manifest) => p.port === port)));
      }
      const [dashboard] = of(o, "ConfigMap").filter((m) => m.metadata.name === "modelworks-grafana-dashboard");
      const grafana = readFileSync(join(ROOT, "deploy/grafana/modelworks-serving.json"), "utf8");
      assert.equal(dashboard.data["modelworks-serving.json"], grafana, "the copy is deploy/grafana's dashboard");
      assert.equal(dashboard.metadata.labels.grafana_dashboard, "1");
    }
  });

  test("secrets only by reference; environment variables the code reads", () => {
    const code = sources(join(ROOT, "src"));
    const configText = readFileSync(join(KUBERNETES_DIR, "base/config.yaml"), "utf8");
    for (const [o, manifests] of rendered) {
      assert.ok(!manifests.some((m) => m.kind === "Secret"), `${o}: no Secret with values`);
      for (const s of manifests.flatMap(strings))
        assert.doesNotMatch(s, /postgres(ql)?:\/\/|mwt_[A-Za-z0-9]|Bearer |--token|--password|AKIA[0-9A-Z]{8}/, s);
      const [config] = manifests.filter((m) => m.kind === "ConfigMap" && m.metadata.name === "modelworks-config");
      for (const { c } of containersOf(o)) {
        for (const e of c.env) {
          assert.ok(code.includes(`"${e.name}"`) || code.includes(`env.${e.name}`), `${e.name} is read by the code`);
          if (
            /URI|TOKEN|PASSWORD|SECRET|KEY_ID/.test(e.name) &&
            e.name !== "MODELWORKS_ARTIFACTS_URI" &&
            e.name !== "MODELWORKS_OBJECTS_URI"
          )
            assert.ok(e.valueFrom?.secretKeyRef, `${e.name} comes from a Secret`);
          const ref = e.valueFrom?.configMapKeyRef;
          if (ref?.optional) assert.match(configText, new RegExp(`\`${ref.key}: `), `config.yaml explains ${ref.key}`);
          else if (ref) assert.ok(config.data[ref.key] !== undefined, `config key ${ref.key}`);
          const secret = e.valueFrom?.secretKeyRef;
          if (secret)
            assert.match(README, new RegExp(`create secret generic ${secret.name} .*--from-literal=${secret.key}=`));
        }
        for (const from of c.envFrom ?? []) {
          assert.equal(from.secretRef.optional, true, "extra environment is optional");
          assert.match(README, new RegExp(`create secret generic ${from.secretRef.name} `));
        }
      }
    }
  });

  test("pods run non-root on a read-only root filesystem, bounded, and drain on SIGTERM", () => {
    const dockerUser = /^USER (\d+)/m.exec(DOCKERFILE)?.[1];
    for (const o of OVERLAYS)
      for (const d of of(o, "Deployment")) {
        const pod = d.spec.template.spec;
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.equal(String(pod.securityContext.runAsUser), dockerUser, "the image's numeric user");
        // Only the replicas that run pipelines call the Kubernetes API (container steps' Jobs;
        // kubernetes-rbac.test.ts checks their Role); the serving fleet gets no token.
        const runsPipelines = roleOf(pod.containers[0]) !== "serving";
        assert.equal(pod.automountServiceAccountToken, runsPipelines, `${o}: ${d.metadata.name}`);
        const volumes = new Set(pod.volumes.map((v: Manifest) => v.name));
        for (const c of pod.containers) {
          assert.equal(c.securityContext.readOnlyRootFilesystem, true);
          assert.equal(c.securityContext.allowPrivilegeEscalation, false);
          assert.deepEqual(c.securityContext.capabilities?.drop, ["ALL"]);
          for (const k of ["cpu", "memory"]) assert.ok(c.resources.requests[k] && c.resources.limits[k], k);
          // Everything the process writes is a volume: its home and the temp folder.
          const homeDir = c.env.find((e: Manifest) => e.name === "MODELWORKS_HOME")?.value;
          const mounts = c.volumeMounts.map((m: Manifest) => m.mountPath);
          assert.ok(homeDir && mounts.includes(homeDir) && mounts.includes("/tmp"), `${o}: ${d.metadata.name}`);
          for (const m of c.volumeMounts) assert.ok(volumes.has(m.name), m.name);
          // preStop lets the endpoints go before SIGTERM; the CLI then gives requests in flight 5 s.
          const pause = Number(c.lifecycle?.preStop?.exec?.command[1]);
          assert.ok(pause > 0 && pod.terminationGracePeriodSeconds >= pause + 5 + 10, d.metadata.name);
        }
      }
  });
});
