/**
 * A recorded-response fake of the Kubernetes API server on loopback, for the `container` step's
 * Kubernetes backend: it answers the calls @kubernetes/client-node makes (create a Job, read its
 * status, list its pods, follow a pod's log, delete the Job) with bodies shaped as a 1.32 API
 * server sends them, following a scripted scenario, and records every request.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** What the fake cluster does with the next Job. */
export interface FakeScenario {
  /** Job `status` objects returned by successive status reads (the last one repeats). */
  statuses: Record<string, unknown>[];
  /** Pod `status` objects returned by successive pod lists (the last one repeats); none: no pod yet. */
  pods: Record<string, unknown>[];
  /** Lines of the pod's log. */
  log: string[];
  /** Keep the log stream open until the Job is deleted (a container still running). */
  holdLog?: boolean;
  /** Answer this many status reads with a 500 first (an API server restarting). */
  failReads?: number;
  /** Answer deletes with a 503 (the cluster cannot be reached through its API server). */
  failDeletes?: boolean;
}

/** A request the fake received. */
export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
}

export interface FakeKubeApi {
  url: string;
  requests: FakeRequest[];
  /** The Job manifests created, as sent. */
  created: Record<string, unknown>[];
  scenario: FakeScenario;
  /** A kubeconfig pointing at the fake, with a bearer token. */
  kubeconfig: string;
  close(): Promise<void>;
}

const JOBS = /^\/apis\/batch\/v1\/namespaces\/([^/]+)\/jobs(?:\/([^/]+)(\/status)?)?$/;
const PODS = /^\/api\/v1\/namespaces\/([^/]+)\/pods(?:\/([^/]+)\/log)?$/;

/** Start the fake; `scenario` can be replaced between tests. */
export async function fakeKubeApi(scenario: FakeScenario): Promise<FakeKubeApi> {
  const state = { jobs: new Map<string, Record<string, unknown>>(), reads: 0, lists: 0, failed: 0 };
  const held = new Set<ServerResponse>();
  const api: FakeKubeApi = {
    url: "",
    requests: [],
    created: [],
    scenario,
    kubeconfig: "",
    close: async () => {
      for (const r of held) r.end();
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await closed;
    },
  };
  const server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => send(res, 500, status(500, "InternalError", String(e))));
  });
  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://fake");
    const text = await new Promise<string>((done) => {
      let b = "";
      req.on("data", (c: Buffer) => {
        b += c.toString("utf8");
      });
      req.on("end", () => done(b));
    });
    const body = text ? (JSON.parse(text) as unknown) : undefined;
    api.requests.push({
      method: req.method ?? "",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      ...(body !== undefined ? { body } : {}),
    });
    if (req.headers.authorization !== "Bearer fake-token") {
      return send(res, 401, status(401, "Unauthorized", "Unauthorized"));
    }
    const jobs = JOBS.exec(url.pathname);
    if (jobs) return jobRoute(req.method ?? "", jobs[1] as string, jobs[2], body, res);
    const pods = PODS.exec(url.pathname);
    if (pods && req.method === "GET") return podRoute(pods[1] as string, pods[2], url, res);
    send(res, 404, status(404, "NotFound", "the server could not find the requested resource"));
  }
  function jobRoute(method: string, ns: string, name: string | undefined, body: unknown, res: ServerResponse) {
    if (method === "POST" && !name) {
      const job = body as { metadata: { name: string } };
      api.created.push(job as unknown as Record<string, unknown>);
      const stored = { ...job, metadata: { ...job.metadata, namespace: ns, uid: "2b7c", resourceVersion: "1" } };
      state.jobs.set(job.metadata.name, stored);
      state.reads = 0;
      state.lists = 0;
      state.failed = 0;
      return send(res, 201, { ...stored, status: {} });
    }
    const job = name ? state.jobs.get(name) : undefined;
    if (!job) return send(res, 404, status(404, "NotFound", `jobs.batch "${name}" not found`));
    if (method === "GET") {
      if (state.failed < (api.scenario.failReads ?? 0)) {
        state.failed++;
        return send(res, 500, status(500, "InternalError", "etcdserver: leader changed"));
      }
      const s = api.scenario.statuses;
      const jobStatus = s[Math.min(state.reads++, s.length - 1)] ?? {};
      return send(res, 200, { ...job, status: jobStatus });
    }
    if (method === "DELETE" && api.scenario.failDeletes) {
      return send(res, 503, status(503, "ServiceUnavailable", "the API server is shutting down"));
    }
    if (method === "DELETE") {
      state.jobs.delete(name as string);
      for (const r of held) r.end();
      held.clear();
      return send(res, 200, { ...status(200, undefined, undefined), details: { name, group: "batch", kind: "jobs" } });
    }
    send(res, 405, status(405, "MethodNotAllowed", "method not allowed"));
  }
  function podRoute(ns: string, pod: string | undefined, url: URL, res: ServerResponse) {
    const jobName = /^job-name=(.+)$/.exec(url.searchParams.get("labelSelector") ?? "")?.[1];
    if (!pod) {
      const p = api.scenario.pods;
      const podStatus = p.length === 0 ? undefined : p[Math.min(state.lists++, p.length - 1)];
      const items =
        podStatus && jobName && state.jobs.has(jobName)
          ? [
              {
                metadata: { name: `${jobName}-x7k2p`, namespace: ns, labels: { "job-name": jobName } },
                status: podStatus,
              },
            ]
          : [];
      return send(res, 200, { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: "7" }, items });
    }
    res.writeHead(200, { "content-type": "text/plain" });
    for (const line of api.scenario.log) res.write(`${line}\n`);
    if (api.scenario.holdLog) held.add(res);
    else res.end();
  }
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.kubeconfig = [
    "apiVersion: v1",
    "kind: Config",
    `clusters: [{name: fake, cluster: {server: '${api.url}', insecure-skip-tls-verify: true}}]`,
    "users: [{name: ci, user: {token: fake-token}}]",
    "contexts: [{name: fake, context: {cluster: fake, user: ci, namespace: ml}}]",
    "current-context: fake",
  ].join("\n");
  return api;
}

function status(code: number, reason: string | undefined, message: string | undefined) {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: code < 300 ? "Success" : "Failure",
    ...(message ? { message } : {}),
    ...(reason ? { reason } : {}),
    code,
  };
}

function send(res: ServerResponse, code: number, body: unknown) {
  res.writeHead(code, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
