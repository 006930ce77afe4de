import assert from "node:assert/strict";
import type { LookupAddress } from "node:dns";
import { after, before, describe, test } from "node:test";
import { isMwError } from "../core/errors.js";
import { OutboundError } from "../core/http/outbound-request.js";
import { postJson } from "../core/http/post-json.js";
import type { CaptureServer } from "../core/test-support/capture-server.js";
import { captureServer } from "../core/test-support/capture-server.js";
import { OutboundPolicy } from "./outbound-policy.js";

/** A resolver that answers from a table (unknown names fail as DNS would). */
function fakeDns(table: Record<string, string[]>) {
  return async (host: string): Promise<LookupAddress[]> => {
    const list = table[host];
    if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return list.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
}

async function refusal(p: Promise<unknown>): Promise<OutboundError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof OutboundError, String(e));
    return e;
  }
  return assert.fail("expected a refusal");
}

const SSRF_TARGETS = [
  "http://127.0.0.1/",
  "http://127.0.0.1:5000/api/2.0/mlflow/users/create",
  "http://localhost/",
  "http://app.localhost/",
  "http://[::1]/",
  "http://169.254.169.254/latest/meta-data/",
  "http://10.1.2.3/",
  "http://192.168.1.1/",
  "http://100.64.0.1/",
  "http://0.0.0.0/",
  "http://[::ffff:127.0.0.1]/",
  "http://[::ffff:7f00:1]/",
  "http://[fe80::1]/",
  "http://[fd00::1]/",
  // WHATWG URL parsing reads these as 127.0.0.1: decimal, hex, octal, short forms.
  "http://2130706433/",
  "http://0x7f000001/",
  "http://0177.0.0.1/",
  "http://127.1/",
];

describe("OutboundPolicy.check (configuration time, no DNS)", () => {
  test("the default, empty list allows nothing and says how to allow a host", () => {
    const none = OutboundPolicy.none();
    const problem = none.check("https://hooks.slack.com/services/T/B/X");
    assert.match(problem ?? "", /^host 'hooks\.slack\.com' is not in the outbound allow-list; /);
    assert.match(problem ?? "", /--allow-outbound hooks\.slack\.com \(or MODELWORKS_OUTBOUND_ALLOW\)/);
    assert.ok(!(problem ?? "").includes("/services/"), "the path is not quoted");
  });

  test("with * (any host), loopback, private and link-local addresses are still refused", () => {
    const any = OutboundPolicy.parse(["*"]);
    for (const url of SSRF_TARGETS) assert.match(any.check(url) ?? "", /not a public address/, url);
    assert.equal(any.check("https://hooks.slack.com/services/T/B/X"), undefined);
    assert.equal(any.check("http://8.8.8.8:9090/"), undefined);
  });

  test("an IP or CIDR entry, or the exact host, allows a non-public target", () => {
    const p = OutboundPolicy.parse(["127.0.0.1", "10.0.0.0/8", "[::1]:9090", "localhost:8080", "fd00::/8"]);
    assert.equal(p.check("http://127.0.0.1:1234/x"), undefined);
    assert.equal(p.check("http://2130706433/"), undefined, "the same address in another spelling");
    assert.equal(p.check("http://[::ffff:127.0.0.1]/"), undefined, "IPv4-mapped IPv6 is the IPv4 address");
    assert.equal(p.check("http://10.200.3.4/"), undefined);
    assert.equal(p.check("http://[::1]:9090/"), undefined);
    assert.match(p.check("http://[::1]:9091/") ?? "", /not in the outbound allow-list/);
    assert.equal(p.check("http://localhost:8080/"), undefined);
    assert.match(p.check("http://localhost:8081/") ?? "", /not in the outbound allow-list/);
    assert.equal(p.check("http://[fd00::7]/"), undefined);
    assert.match(p.check("http://192.168.1.1/") ?? "", /not in the outbound allow-list/);
  });

  test("host, host:port and *.domain entries", () => {
    const p = OutboundPolicy.parse(["Hooks.Example.com", "ci.example.org:8443", "*.corp.test"]);
    assert.equal(p.check("https://hooks.example.com/x"), undefined, "names compare case-insensitively");
    assert.equal(p.check("http://hooks.example.com:9999/x"), undefined, "a bare host allows any port");
    assert.equal(p.check("https://ci.example.org:8443/"), undefined);
    assert.match(p.check("https://ci.example.org/") ?? "", /'ci\.example\.org'/, "443 is not 8443");
    assert.equal(p.check("http://a.b.corp.test/"), undefined);
    assert.match(p.check("http://corp.test/") ?? "", /not in the outbound allow-list/, "*.d is not d itself");
    assert.match(p.check("http://evilcorp.test/") ?? "", /not in the outbound allow-list/);
    assert.match(p.check("http://hooks.example.com.evil.test/") ?? "", /not in the outbound allow-list/);
  });

  test("only http and https", () => {
    const any = OutboundPolicy.parse(["*"]);
    for (const url of ["file:///etc/passwd", "gopher://h.example/", "ftp://h.example/", "javascript:alert(1)"]) {
      assert.match(any.check(url) ?? "", /only http and https/, url);
    }
    assert.equal(any.check("not a url"), "not a valid URL");
  });

  test("assertAllowed throws INVALID_PARAMETER_VALUE naming the field and the host", () => {
    assert.throws(
      () => OutboundPolicy.none().assertAllowed("webhooks[2].url", "https://u:pw@hooks.example.com/x?token=t"),
      (e: unknown) =>
        isMwError(e) &&
        e.code === "INVALID_PARAMETER_VALUE" &&
        e.message.startsWith("Invalid value for 'webhooks[2].url': host 'hooks.example.com'") &&
        !e.message.includes("pw") &&
        !e.message.includes("token"),
    );
  });

  test("bad entries are refused naming the entry; empty ones and commas are fine", () => {
    for (const bad of ["http://x.example", "*.10.0.0.1", "10.0.0.0/33", "host:0", "host:99999", "a b", "[::1"]) {
      assert.throws(() => OutboundPolicy.parse([bad]), new RegExp(`entry '${bad.replace(/[[\].*+?]/g, "\\$&")}'`));
    }
    const p = OutboundPolicy.parse(["a.example, b.example,,", " c.example "]);
    assert.deepEqual(p.entries, ["a.example", "b.example", "c.example"]);
  });
});

describe("OutboundPolicy.resolve (call time: DNS checked)", () => {
  const dns = fakeDns({
    "rebind.corp.test": ["127.0.0.1"],
    "meta.corp.test": ["169.254.169.254"],
    "mixed.corp.test": ["93.184.216.34", "10.0.0.1"],
    "v6.corp.test": ["::ffff:127.0.0.1"],
    "public.corp.test": ["93.184.216.34"],
    "internal.example": ["10.1.2.3"],
  });

  test("a name allowed by *.domain or * must not resolve to a non-public address", async () => {
    for (const p of [
      OutboundPolicy.parse(["*.corp.test"], { lookup: dns }),
      OutboundPolicy.parse(["*"], { lookup: dns }),
    ]) {
      for (const host of ["rebind", "meta", "mixed", "v6"]) {
        const e = await refusal(p.resolve(new URL(`http://${host}.corp.test/x`)));
        assert.equal(e.kind, "refused");
        assert.match(e.message, new RegExp(`^${host}\\.corp\\.test resolves to .*not a public address`));
      }
      assert.deepEqual(await p.resolve(new URL("http://public.corp.test/")), [{ address: "93.184.216.34", family: 4 }]);
    }
  });

  test("listing the address (IP or CIDR) or the exact name allows it", async () => {
    const byRange = OutboundPolicy.parse(["*.corp.test", "127.0.0.0/8"], { lookup: dns });
    assert.equal((await byRange.resolve(new URL("http://rebind.corp.test/")))[0]?.address, "127.0.0.1");
    const byName = OutboundPolicy.parse(["internal.example"], { lookup: dns });
    assert.equal((await byName.resolve(new URL("http://internal.example/")))[0]?.address, "10.1.2.3");
  });

  test("an unknown name fails without a request; a refused URL is refused before DNS", async () => {
    const p = OutboundPolicy.parse(["*.corp.test"], { lookup: dns });
    const e = await refusal(p.resolve(new URL("http://nowhere.corp.test/")));
    assert.deepEqual([e.kind, e.message], ["failed", "cannot resolve nowhere.corp.test (ENOTFOUND)"]);
    let asked = false;
    const lookup = async () => {
      asked = true;
      return [];
    };
    const watching = OutboundPolicy.parse(["a.example"], { lookup });
    assert.equal((await refusal(watching.resolve(new URL("http://b.example/")))).kind, "refused");
    assert.equal(asked, false);
  });
});

describe("postJson under the policy (real sockets)", () => {
  let server: CaptureServer;
  let port: string;
  before(async () => {
    server = await captureServer();
    port = new URL(server.url).port;
  });
  after(() => server.close());

  test("loopback targets are refused unless listed, and nothing is sent", async () => {
    const any = OutboundPolicy.parse(["*"], { lookup: fakeDns({ "evil.test": ["127.0.0.1"] }) });
    for (const url of [
      server.url,
      `http://localhost:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://2130706433:${port}/`,
    ]) {
      const r = await postJson(url, { a: 1 }, { timeoutMs: 2000, guard: any });
      assert.equal(r.ok, false);
      assert.match(r.error ?? "", /^refused: .*not a public address \(loopback\)/, url);
    }
    // A name that resolves to loopback (DNS rebinding) is refused when the socket resolves it.
    const rebound = await postJson(`http://evil.test:${port}/`, {}, { timeoutMs: 2000, guard: any });
    assert.match(rebound.error ?? "", /^refused: evil\.test resolves to 127\.0\.0\.1, not a public address/);
    assert.equal(server.requests.length, 0);
  });

  test("listed, the same targets are reached", async () => {
    const listed = OutboundPolicy.parse(["127.0.0.1", "localhost"]);
    assert.equal((await postJson(`${server.url}/a`, { a: 1 }, { timeoutMs: 2000, guard: listed })).ok, true);
    assert.equal((await postJson(`http://2130706433:${port}/b`, {}, { timeoutMs: 2000, guard: listed })).ok, true);
    assert.deepEqual(
      server.requests.map((r) => r.url),
      ["/a", "/b"],
    );
  });
});
