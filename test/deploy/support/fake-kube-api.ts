/**
 * A Kubernetes API server for `kubectl apply --dry-run=client --validate=strict`, on loopback, with
 * no cluster behind it: it answers what kubectl asks before such an apply (found with
 * `kubectl -v=8`): `/version`, discovery (`/api`, `/apis`, each group version's resource list, all
 * derived from the paths of the published OpenAPI document), `GET /openapi/v2` (the published
 * document, as the protobuf kubectl reads) and `GET /openapi/v3`, and a 404 for every object (none
 * exists, so each would be created). Nothing is ever written.
 *
 * `/openapi/v3` lists no group versions, as a server that publishes only v2 does. kubectl asks the
 * v3 documents whether the server validates fields itself (the `fieldValidation` parameter of
 * 1.27+); a real 1.32 server says yes, and kubectl then leaves strict validation to the server, which
 * a dry run on the client never reaches. Told no, kubectl validates each object itself against the
 * v2 definitions: the same published schema, checked on this side.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { openApiV2Protobuf } from "./openapi-v2-protobuf.js";

type JsonObject = { [key: string]: unknown };

/** A kind the server serves (discovery entry). */
export interface ServedKind {
  group: string;
  version: string;
  kind: string;
  /** The resource name, e.g. `deployments`. */
  plural: string;
  namespaced: boolean;
}

export interface FakeKubeApi {
  url: string;
  /** Every request line seen, e.g. `GET /openapi/v2`. */
  requests: string[];
  close(): Promise<void>;
}

const GVK = "x-kubernetes-group-version-kind";

/** The creatable kinds of a published OpenAPI v2 document: each collection path with a `post`. */
export function servedKinds(doc: JsonObject): ServedKind[] {
  const out = new Map<string, ServedKind>();
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, JsonObject>)) {
    const post = item.post as JsonObject | undefined;
    const gvk = post?.[GVK] as { group: string; version: string; kind: string } | undefined;
    if (!gvk || path.includes("{name}")) continue;
    const plural = path.slice(path.lastIndexOf("/") + 1);
    const kind = { ...gvk, plural, namespaced: path.includes("/namespaces/{namespace}/") };
    out.set(`${gvk.group}/${gvk.version}/${plural}`, kind);
  }
  return [...out.values()];
}

const groupVersion = (k: { group: string; version: string }) => (k.group ? `${k.group}/${k.version}` : k.version);

/** The version a group prefers: its first GA version, else its first. */
function preferred(versions: string[]): string {
  return versions.find((v) => /^v\d+$/.test(v)) ?? (versions[0] as string);
}

/** The discovery documents of a set of kinds, by URL path. */
function discovery(kinds: ServedKind[]): Map<string, JsonObject> {
  const docs = new Map<string, JsonObject>();
  const groups = new Map<string, string[]>();
  for (const k of kinds) {
    const versions = groups.get(k.group) ?? [];
    if (!versions.includes(k.version)) versions.push(k.version);
    groups.set(k.group, versions);
  }
  docs.set("/api", { kind: "APIVersions", versions: groups.get("") ?? [] });
  const list = [...groups].filter(([name]) => name !== "");
  docs.set("/apis", {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: list.map(([name, versions]) => ({
      name,
      versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
      preferredVersion: { groupVersion: `${name}/${preferred(versions)}`, version: preferred(versions) },
    })),
  });
  for (const [group, versions] of groups)
    for (const version of versions) {
      const gv = groupVersion({ group, version });
      const resources = kinds
        .filter((k) => k.group === group && k.version === version)
        .map((k) => ({
          name: k.plural,
          singularName: "",
          namespaced: k.namespaced,
          kind: k.kind,
          verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
        }));
      docs.set(group ? `/apis/${gv}` : `/api/${gv}`, {
        kind: "APIResourceList",
        apiVersion: "v1",
        groupVersion: gv,
        resources,
      });
    }
  return docs;
}

/** Start the server on 127.0.0.1 with `doc` (a published swagger.json) and extra kinds (custom resources). */
export async function startFakeKubeApi(doc: JsonObject, extra: ServedKind[] = []): Promise<FakeKubeApi> {
  const docs = discovery([...servedKinds(doc), ...extra]);
  const v2 = Buffer.from(openApiV2Protobuf(doc as never));
  const info = doc.info as { version?: string } | undefined;
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] as string;
    requests.push(`${req.method} ${path}`);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "GET") return json(405, status(405, "MethodNotAllowed", "this server only reads"));
    if (path === "/version")
      return json(200, {
        major: "1",
        minor: "32",
        gitVersion: "v1.32.0",
        platform: "linux/amd64",
        info: info?.version,
      });
    if (path === "/openapi/v2") {
      res.writeHead(200, { "content-type": "application/com.github.proto-openapi.spec.v2.v1.0+protobuf" });
      return res.end(v2);
    }
    if (path === "/openapi/v3") return json(200, { paths: {} });
    const found = docs.get(path);
    if (found) return json(200, found);
    json(404, status(404, "NotFound", `${path} not found`));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function status(code: number, reason: string, message: string): JsonObject {
  return { kind: "Status", apiVersion: "v1", status: "Failure", message, reason, code };
}

/** A kubeconfig naming the fake server (no credentials: it asks for none). */
export function kubeconfigFor(url: string, namespace: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "  - name: fake",
    "    cluster:",
    `      server: ${url}`,
    "users:",
    "  - name: nobody",
    "    user: {}",
    "contexts:",
    "  - name: fake",
    "    context:",
    "      cluster: fake",
    "      user: nobody",
    `      namespace: ${namespace}`,
    "current-context: fake",
    "",
  ].join("\n");
}
