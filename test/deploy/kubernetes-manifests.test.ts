/**
 * deploy/kubernetes is checked against the code it runs: probes on the health routes the servers
 * have, container arguments the CLI's own parser accepts, environment variables the code reads,
 * secrets only by reference, pods that can run non-root on a read-only root filesystem; and
 * `kubectl kustomize` renders it when kubectl is installed (offline, no cluster needed).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { main } from "../../src/cli/main.js";
import { captureIo } from "../../src/cli/test-support/capture-io.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");
const DIR = join(ROOT, "deploy/kubernetes");

interface Probe {
  httpGet: { path: string; port: string | number };
}
interface Container {
  name: string;
  command?: string[];
  args: string[];
  ports: { name: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: Record<string, { name: string; key: string }> }[];
  startupProbe: Probe;
  livenessProbe: Probe;
  readinessProbe: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: Record<string, unknown> & { capabilities?: { drop?: string[] } };
  volumeMounts: { name: string; mountPath: string }[];
}
interface Manifest {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  spec: {
    selector: { matchLabels?: Record<string, string> } & Record<string, string>;
    ports: { name: string; port: number; targetPort: string | number }[];
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        terminationGracePeriodSeconds: number;
        securityContext: Record<string, unknown>;
        containers: Container[];
        volumes: { name: string }[];
      };
    };
  };
}

const kustomization = parseAllDocuments(readFileSync(join(DIR, "kustomization.yaml"), "utf8"))[0]?.toJS() as {
  resources: string[];
  secretGenerator?: unknown;
};
const manifests: Manifest[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(readFileSync(join(DIR, file), "utf8")).map((d) => {
    assert.deepEqual(d.errors, [], `${file} parses`);
    return d.toJS() as Manifest;
  }),
);
const deployments = manifests.filter((m) => m.kind === "Deployment");
const containers = deployments.flatMap((d) => d.spec.template.spec.containers);
const configMap = manifests.find((m) => m.kind === "ConfigMap" && m.metadata.name === "modelworks-config");

/** The value after `flag` in `args`. */
const flagValue = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

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

describe("deploy/kubernetes", () => {
  const home = mkdtempSync(join(tmpdir(), "mw-k8s-"));
  after(() => rmSync(home, { recursive: true, force: true }));

  test("the kustomization lists every manifest in the folder", () => {
    const yamls = readdirSync(DIR).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");
    assert.deepEqual([...kustomization.resources].sort(), yamls.sort());
    assert.deepEqual(
      deployments.map((d) => d.spec.template.spec.containers[0]?.args[0]),
      ["server", "serve"],
      "the platform and a serving fleet",
    );
  });

  test("container arguments are flags their command really has", async () => {
    for (const c of containers) {
      assert.equal(c.command, undefined, "the image's entrypoint (node bin/modelworks.js) takes the args");
      // The command's own parser (strict: unknown flags and missing values are errors) reads
      // the args; --help then stops it before anything opens.
      const io = captureIo(home);
      assert.equal(await main([...c.args, "--help"], io), 0, `${c.args.join(" ")}: ${io.stderr.join("\n")}`);
      const control = captureIo(home);
      assert.notEqual(await main([...c.args, "--no-such-flag", "--help"], control), 0, "the check can fail");
      assert.equal(flagValue(c.args, "--host"), "0.0.0.0");
    }
    const serve = containers.find((c) => c.args[0] === "serve");
    assert.ok(serve?.args.includes("--deployment"));
    const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
    assert.match(dockerfile, /^ENTRYPOINT \["node", "bin\/modelworks\.js"\]$/m);
  });

  test("probes: /health for startup and liveness, readiness on the port --port opens", () => {
    for (const c of containers) {
      const port = c.ports.find((p) => p.name === c.livenessProbe.httpGet.port);
      assert.ok(port, `${c.args[0]}: the probes name a container port`);
      assert.equal(String(port.containerPort), flagValue(c.args, "--port"));
      for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe])
        assert.equal(probe.httpGet.port, port.name);
      assert.equal(c.startupProbe.httpGet.path, "/health");
      assert.equal(c.livenessProbe.httpGet.path, "/health");
      // The platform is ready when its database is; a serving replica when its models are loaded
      // (it keeps predicting through a database outage, so the database must not drain the fleet).
      const readiness = c.args[0] === "serve" ? "/v2/health/ready" : "/health/ready";
      assert.equal(c.readinessProbe.httpGet.path, readiness, `${c.args[0]} readiness`);
    }
  });

  test("Services select the pods and reach their named port", () => {
    for (const svc of manifests.filter((m) => m.kind === "Service")) {
      const target = deployments.find((d) =>
        Object.entries(svc.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
      );
      assert.ok(target, `Service ${svc.metadata.name} selects a Deployment's pods`);
      assert.deepEqual(target.spec.selector.matchLabels, svc.spec.selector);
      const names = target.spec.template.spec.containers.flatMap((c) => c.ports.map((p) => p.name));
      for (const p of svc.spec.ports) assert.ok(names.includes(String(p.targetPort)), `${svc.metadata.name}:${p.name}`);
    }
  });

  test("secrets only by reference; environment variables the code reads", () => {
    assert.equal(kustomization.secretGenerator, undefined);
    assert.ok(!manifests.some((m) => m.kind === "Secret"), "no Secret with values in the folder");
    for (const s of manifests.flatMap(strings)) {
      assert.doesNotMatch(s, /postgres(ql)?:\/\/|mwt_[A-Za-z0-9]|Bearer |--token|--password/, `inline secret? ${s}`);
    }
    const code = sources(join(ROOT, "src"));
    for (const c of containers) {
      for (const e of c.env ?? []) {
        assert.ok(code.includes(`"${e.name}"`) || code.includes(`env.${e.name}`), `${e.name} is read by the code`);
        if (/URI|TOKEN|PASSWORD|SECRET|KEY/.test(e.name))
          assert.ok(e.valueFrom?.secretKeyRef, `${e.name} comes from a Secret`);
        const fromConfig = e.valueFrom?.configMapKeyRef;
        if (fromConfig) assert.ok(configMap?.data?.[fromConfig.key] !== undefined, `config key ${fromConfig.key}`);
      }
    }
    const readme = readFileSync(join(DIR, "README.md"), "utf8");
    for (const ref of containers.flatMap((c) => (c.env ?? []).map((e) => e.valueFrom?.secretKeyRef)))
      if (ref) assert.match(readme, new RegExp(`create secret generic ${ref.name} .*--from-literal=${ref.key}=`));
  });

  test("pods run non-root on a read-only root filesystem, bounded, and drain on SIGTERM", () => {
    const dockerUser = /^USER (\d+)/m.exec(readFileSync(join(ROOT, "Dockerfile"), "utf8"))?.[1];
    for (const d of deployments) {
      const pod = d.spec.template.spec;
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.equal(String(pod.securityContext.runAsUser), dockerUser, "the image's numeric user");
      const volumes = new Set(pod.volumes.map((v) => v.name));
      for (const c of pod.containers) {
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false);
        assert.deepEqual(c.securityContext.capabilities?.drop, ["ALL"]);
        for (const k of ["cpu", "memory"]) assert.ok(c.resources.requests[k] && c.resources.limits[k], k);
        // Everything the process writes is a volume: its home and the temp folder.
        const home = c.env?.find((e) => e.name === "MODELWORKS_HOME")?.value;
        const mounts = c.volumeMounts.map((m) => m.mountPath);
        assert.ok(home && mounts.includes(home) && mounts.includes("/tmp"), `${d.metadata.name} writable paths`);
        for (const m of c.volumeMounts) assert.ok(volumes.has(m.name), m.name);
        // preStop lets the endpoints go before SIGTERM; the CLI then gives requests in flight 5 s.
        const pause = Number(c.lifecycle?.preStop?.exec?.command[1]);
        assert.ok(pause > 0 && pod.terminationGracePeriodSeconds >= pause + 5 + 10, d.metadata.name);
      }
    }
  });

  const kubectl = spawnSync("kubectl", ["version", "--client"], { encoding: "utf8" });
  test("kubectl kustomize renders it", { skip: kubectl.error ? "kubectl is not on PATH" : false }, () => {
    const r = spawnSync("kubectl", ["kustomize", DIR], { encoding: "utf8", maxBuffer: 16 << 20 });
    assert.equal(r.status, 0, r.stderr);
    const rendered = parseAllDocuments(r.stdout).map(
      (d) => d.toJS() as Manifest & { metadata: { namespace?: string } },
    );
    assert.deepEqual(rendered.map((m) => m.kind).sort(), manifests.map((m) => m.kind).sort());
    for (const m of rendered.filter((x) => x.kind !== "Namespace")) assert.equal(m.metadata.namespace, "modelworks");
    for (const c of rendered.filter((m) => m.kind === "Deployment").flatMap((d) => d.spec.template.spec.containers))
      assert.match((c as Container & { image: string }).image, /^registry\.example\.com\/modelworks:/);
  });
});
