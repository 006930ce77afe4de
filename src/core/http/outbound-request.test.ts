import assert from "node:assert/strict";
import type { LookupAddress } from "node:dns";
import { after, before, describe, test } from "node:test";
import type { CaptureServer } from "../test-support/capture-server.js";
import { captureServer } from "../test-support/capture-server.js";
import type { OutboundGuard } from "./outbound-request.js";
import { OutboundError, outboundRequest } from "./outbound-request.js";
import { postJson } from "./post-json.js";

/** A guard that allows every http(s) URL and resolves names from a table, counting lookups. */
function tableGuard(table: Record<string, string>): OutboundGuard & { lookups: string[] } {
  const lookups: string[] = [];
  return {
    lookups,
    check: (url) => (/^https?:/.test(url) ? undefined : "only http and https"),
    resolve: async (url: URL): Promise<LookupAddress[]> => {
      lookups.push(url.hostname);
      const address = table[url.hostname];
      if (!address) throw new OutboundError("refused", `${url.hostname} is not allowed`);
      return [{ address, family: 4 }];
    },
  };
}

describe("outboundRequest", () => {
  let server: CaptureServer;
  let port: string;
  before(async () => {
    server = await captureServer((req, res) => {
      if (req.url === "/redirect") res.writeHead(302, { location: "/target" }).end();
      else if (req.url === "/big") res.writeHead(200).end("x".repeat(10_000));
      else if (req.url === "/hang") return;
      else res.writeHead(200).end("ok");
    });
    port = new URL(server.url).port;
  });
  after(() => server.close());

  test("the connection goes to the address the guard resolved (the name's own DNS is not asked)", async () => {
    const guard = tableGuard({ "svc.internal.test": "127.0.0.1" });
    const res = await outboundRequest({
      method: "POST",
      url: `http://svc.internal.test:${port}/pinned?x=1`,
      guard,
      timeoutMs: 2000,
      maxBytes: 1000,
      body: "{}",
    });
    assert.deepEqual(res, { status: 200, text: "ok" });
    assert.deepEqual(guard.lookups, ["svc.internal.test"]);
    const req = server.requests.at(-1);
    assert.equal(req?.url, "/pinned?x=1");
    assert.equal(req?.headers.host, `svc.internal.test:${port}`);
  });

  test("a name the guard refuses is never connected to", async () => {
    const before = server.requests.length;
    const guard = tableGuard({});
    await assert.rejects(
      outboundRequest({ method: "GET", url: `http://other.test:${port}/`, guard, timeoutMs: 2000, maxBytes: 10 }),
      (e: unknown) => e instanceof OutboundError && e.kind === "refused" && e.message === "other.test is not allowed",
    );
    await assert.rejects(
      outboundRequest({ method: "GET", url: "file:///etc/passwd", guard, timeoutMs: 2000, maxBytes: 10 }),
      (e: unknown) => e instanceof OutboundError && e.kind === "refused",
    );
    assert.equal(server.requests.length, before);
  });

  test("a redirect is reported, not followed: its target is never requested", async () => {
    const guard = tableGuard({});
    const r = await postJson(`${server.url}/redirect`, { a: 1 }, { timeoutMs: 2000, guard });
    assert.deepEqual([r.ok, r.status, r.error], [false, 302, "HTTP 302: redirect not followed"]);
    assert.ok(server.requests.some((x) => x.url === "/redirect"));
    assert.ok(!server.requests.some((x) => x.url === "/target"));
  });

  test("user:password in the URL is sent as basic authentication, not in the request line", async () => {
    const guard = tableGuard({});
    const r = await postJson(`http://hook%40user:p%3Ass@127.0.0.1:${port}/auth`, {}, { timeoutMs: 2000, guard });
    assert.equal(r.ok, true, r.error);
    const req = server.requests.at(-1);
    assert.equal(req?.url, "/auth");
    assert.equal(req?.headers.authorization, `Basic ${Buffer.from("hook@user:p:ss").toString("base64")}`);
  });

  test("the body is read up to maxBytes; no answer in time is a timeout", async () => {
    const guard = tableGuard({});
    const big = await outboundRequest({
      method: "GET",
      url: `${server.url}/big`,
      guard,
      timeoutMs: 2000,
      maxBytes: 100,
    });
    assert.equal(big.text.length, 100);
    await assert.rejects(
      outboundRequest({ method: "GET", url: `${server.url}/hang`, guard, timeoutMs: 100, maxBytes: 100 }),
      (e: unknown) => e instanceof OutboundError && e.kind === "timeout" && e.message === "timed out after 100 ms",
    );
  });
});
