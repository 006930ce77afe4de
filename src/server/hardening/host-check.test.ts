import assert from "node:assert/strict";
import { test } from "node:test";
import { isMwError } from "../../core/errors.js";
import { hostnameOf, hostPolicy, isPrivateAddress, parseHostList } from "./host-check.js";

test("hostnameOf drops the port and case, keeps IPv6 brackets, and rejects malformed values", () => {
  assert.equal(hostnameOf("Example.COM:8080"), "example.com");
  assert.equal(hostnameOf("localhost"), "localhost");
  assert.equal(hostnameOf("localhost.:5000"), "localhost");
  assert.equal(hostnameOf("[::1]:5000"), "[::1]");
  assert.equal(hostnameOf("[::1]"), "[::1]");
  for (const bad of ["", "[::1", "[nope]:1", "a b", "evil.com:80:80", "host:port", "[::1]x", "ex/ample"])
    assert.equal(hostnameOf(bad), "", bad);
});

test("the default policy: loopback names and private-network addresses at any port, nothing else", () => {
  const p = hostPolicy();
  for (const ok of [
    "localhost",
    "LOCALHOST:5000",
    "127.0.0.1:80",
    "[::1]:5000",
    "10.1.2.3:8080",
    "172.16.0.1",
    "172.31.255.255:1",
    "192.168.1.10:5000",
    "[fd12:3456::1]:5000",
    "[fe80::1]",
  ])
    assert.ok(p.allows(ok), ok);
  for (const no of [
    undefined,
    "",
    "evil.example",
    "evil.example:5000",
    "localhost.evil.example",
    "127.0.0.1.nip.io",
    "8.8.8.8",
    "172.32.0.1",
    "[2001:db8::1]",
    "[fd::1]",
    "0.0.0.0",
  ])
    assert.ok(!p.allows(no), String(no));
  assert.equal(p.any, false);
});

test("configured hosts add names, subdomain wildcards, or `*` for any host", () => {
  const p = hostPolicy(parseHostList(" models.example.com:443 , *.internal.example , MLFLOW "));
  assert.ok(p.allows("models.example.com"));
  assert.ok(p.allows("Models.Example.com:5000"));
  assert.ok(p.allows("a.internal.example"));
  assert.ok(p.allows("a.b.internal.example:1"));
  assert.ok(p.allows("mlflow:5000"));
  assert.ok(p.allows("localhost:5000"), "the defaults stay");
  assert.ok(!p.allows("internal.example"), "the wildcard needs a subdomain");
  assert.ok(!p.allows("evilinternal.example"));
  assert.ok(!p.allows("example.com"));
  const any = hostPolicy(parseHostList("*"));
  assert.ok(any.any);
  assert.ok(any.allows("anything.example"));
  assert.ok(any.allows(undefined));
});

test("parseHostList refuses entries that are not hosts, naming them", () => {
  assert.deepEqual(parseHostList(undefined), []);
  assert.deepEqual(parseHostList(" , "), []);
  assert.deepEqual(parseHostList("[::1]:80,10.0.0.1"), ["[::1]", "10.0.0.1"]);
  for (const bad of ["a b", "http://x.example", "*.", "x.*", "[zz]"]) {
    assert.throws(
      () => parseHostList(`ok.example,${bad}`),
      (e) => isMwError(e) && e.message.includes(`'${bad}'`) && e.message.includes("--allowed-hosts"),
      bad,
    );
  }
});

test("isPrivateAddress: RFC 1918, loopback, link-local and unique-local only", () => {
  assert.ok(isPrivateAddress("10.0.0.1"));
  assert.ok(isPrivateAddress("[::ffff:192.168.0.1]"));
  assert.ok(!isPrivateAddress("[::ffff:8.8.8.8]"));
  assert.ok(!isPrivateAddress("localhost"));
  assert.ok(!isPrivateAddress("11.0.0.1"));
});
