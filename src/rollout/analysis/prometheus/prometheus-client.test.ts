import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, test } from "node:test";
import { OutboundPolicy } from "../../../auth/outbound-policy.js";
import { MwError } from "../../../core/errors.js";
import { PrometheusClient, parsePromValue } from "./prometheus-client.js";

/** A fetch that records the URLs asked for and answers with `status` and `body`. */
function answering(status: number, body: unknown, urls: string[] = []): typeof fetch {
  return async (input) => {
    urls.push(String(input));
    const text = typeof body === "string" ? body : JSON.stringify(body);
    return new Response(text, { status });
  };
}

/** The hosts these tests query: the fake `prom` and real ports on loopback. */
const outbound = OutboundPolicy.parse(["prom", "127.0.0.1"]);

const vector = (result: unknown[]) => ({ status: "success", data: { resultType: "vector", result } });

async function rejection(p: Promise<unknown>): Promise<MwError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof MwError, `expected an MwError, got ${e}`);
    return e;
  }
  assert.fail("expected the query to fail");
}

describe("PrometheusClient.query", () => {
  test("asks /api/v1/query with the query and time, and returns vector samples", async () => {
    const urls: string[] = [];
    const body = vector([
      { metric: { le: "0.5" }, value: [1700000000, "12.5"] },
      { metric: { le: "+Inf" }, value: [1700000000, "NaN"] },
    ]);
    const client = new PrometheusClient("http://prom:9090/prefix/", { outbound, fetch: answering(200, body, urls) });
    const samples = await client.query('sum by (le) (x{a="b"})', 1700000000.5);
    assert.deepEqual(samples[0], { labels: { le: "0.5" }, value: 12.5 });
    assert.ok(Number.isNaN(samples[1]?.value));
    const url = new URL(urls[0] as string);
    assert.equal(url.origin + url.pathname, "http://prom:9090/prefix/api/v1/query");
    assert.equal(url.searchParams.get("query"), 'sum by (le) (x{a="b"})');
    assert.equal(url.searchParams.get("time"), "1700000000.5");
  });

  test("a scalar result is one sample without labels", async () => {
    const body = { status: "success", data: { resultType: "scalar", result: [1700000000, "+Inf"] } };
    const client = new PrometheusClient("http://prom:9090", { outbound, fetch: answering(200, body) });
    assert.deepEqual(await client.query("1/0"), [{ labels: {}, value: Number.POSITIVE_INFINITY }]);
  });

  test("an empty vector is no samples", async () => {
    const client = new PrometheusClient("http://prom:9090", { outbound, fetch: answering(200, vector([])) });
    assert.deepEqual(await client.query("absent_metric"), []);
  });

  test("Prometheus' errors keep their type and message, and name the URL and query", async () => {
    const cases: [number, string, string][] = [
      [400, "bad_data", "INVALID_PARAMETER_VALUE"],
      [422, "execution", "INTERNAL_ERROR"],
      [503, "timeout", "TEMPORARILY_UNAVAILABLE"],
    ];
    for (const [status, errorType, code] of cases) {
      const body = { status: "error", errorType, error: `boom ${errorType}` };
      const client = new PrometheusClient("http://prom:9090", { outbound, fetch: answering(status, body) });
      const e = await rejection(client.query("rate(x[5m])"));
      assert.equal(e.code, code);
      assert.match(e.message, /Prometheus query at http:\/\/prom:9090 \(/);
      assert.match(e.message, /rate\(x\[5m\]\)/);
      assert.match(e.message, new RegExp(`${errorType}: boom ${errorType}`));
    }
  });

  test("a non-JSON error page reports its HTTP status", async () => {
    const gateway = new PrometheusClient("http://prom:9090", {
      outbound,
      fetch: answering(502, "<html>Bad gateway</html>"),
    });
    const e = await rejection(gateway.query("up"));
    assert.equal(e.code, "TEMPORARILY_UNAVAILABLE");
    assert.match(e.message, /HTTP 502: <html>Bad gateway<\/html>/);
    const broken = new PrometheusClient("http://prom:9090", { outbound, fetch: answering(500, "oops") });
    assert.equal((await rejection(broken.query("up"))).code, "INTERNAL_ERROR");
    const garbled = new PrometheusClient("http://prom:9090", { outbound, fetch: answering(200, "not json") });
    assert.match((await rejection(garbled.query("up"))).message, /HTTP 200: not json/);
  });

  test("a range vector result is refused", async () => {
    const body = { status: "success", data: { resultType: "matrix", result: [] } };
    const client = new PrometheusClient("http://prom:9090", { outbound, fetch: answering(200, body) });
    const e = await rejection(client.query("x[5m]"));
    assert.equal(e.code, "INVALID_PARAMETER_VALUE");
    assert.match(e.message, /matrix result/);
  });

  test("an unreachable server names the reason", async () => {
    const refused: typeof fetch = async () => {
      throw new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } });
    };
    const e = await rejection(new PrometheusClient("http://prom:9090", { outbound, fetch: refused }).query("up"));
    assert.equal(e.code, "TEMPORARILY_UNAVAILABLE");
    assert.match(e.message, /unreachable \(ECONNREFUSED\)/);
    assert.match(e.message, /Prometheus query at http:\/\/prom:9090 \(up\)/);
  });

  test("a real closed port is unreachable", async () => {
    const port = await closedPort();
    const e = await rejection(new PrometheusClient(`http://127.0.0.1:${port}`, { outbound }).query("up"));
    assert.equal(e.code, "TEMPORARILY_UNAVAILABLE");
    assert.match(e.message, /unreachable/);
  });

  test("no answer within timeoutMs is a timeout", async () => {
    // The timer stands for a real request's socket: AbortSignal.timeout alone keeps no process alive.
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        const socket = setTimeout(() => {}, 60_000);
        init?.signal?.addEventListener("abort", () => {
          clearTimeout(socket);
          reject(init.signal?.reason);
        });
      });
    const client = new PrometheusClient("http://prom:9090", { outbound, fetch: hanging, timeoutMs: 20 });
    const e = await rejection(client.query("up"));
    assert.equal(e.code, "TEMPORARILY_UNAVAILABLE");
    assert.match(e.message, /no answer within 20 ms/);
  });
});

test("parsePromValue reads Prometheus' float strings", () => {
  assert.equal(parsePromValue("1e+06"), 1e6);
  assert.equal(parsePromValue("-Inf"), Number.NEGATIVE_INFINITY);
  assert.ok(Number.isNaN(parsePromValue("NaN")));
  assert.ok(Number.isNaN(parsePromValue(undefined)));
});

/** A loopback port nothing listens on (bound, then released). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
