import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatIp, inRange, parseIp, parseRange, specialKind } from "./outbound-address.js";

const kind = (text: string) => {
  const ip = parseIp(text);
  assert.ok(ip, text);
  return specialKind(ip);
};

describe("outbound addresses", () => {
  test("IPv4-mapped IPv6 is the IPv4 address, however it is written", () => {
    for (const text of ["::ffff:127.0.0.1", "::ffff:7f00:1", "[::ffff:7f00:1]", "0:0:0:0:0:ffff:7f00:0001"]) {
      const ip = parseIp(text);
      assert.deepEqual(ip && [ip.family, formatIp(ip)], [4, "127.0.0.1"], text);
    }
    assert.equal(formatIp(parseIp("fe80::1%eth0") ?? assert.fail()), "fe80:0:0:0:0:0:0:1");
    assert.equal(parseIp("example.com"), undefined);
    assert.equal(parseIp("127.1"), undefined, "only canonical dotted quads (URLs normalise the rest)");
  });

  test("non-public ranges are named; public addresses are not", () => {
    const expected: [string, string | undefined][] = [
      ["127.0.0.1", "loopback"],
      ["127.255.0.9", "loopback"],
      ["0.0.0.0", "unspecified"],
      ["10.1.2.3", "private"],
      ["172.31.255.255", "private"],
      ["192.168.1.1", "private"],
      ["169.254.169.254", "link-local"],
      ["100.64.0.1", "shared (carrier-grade NAT)"],
      ["224.0.0.251", "multicast"],
      ["255.255.255.255", "reserved"],
      ["::", "unspecified"],
      ["::1", "loopback"],
      ["::ffff:10.0.0.1", "private"],
      ["fc00::1", "private (unique local)"],
      ["fd12:3456::1", "private (unique local)"],
      ["fe80::1", "link-local"],
      ["ff02::1", "multicast"],
      ["64:ff9b::a9fe:a9fe", "link-local"],
      ["8.8.8.8", undefined],
      ["172.32.0.1", undefined],
      ["100.128.0.1", undefined],
      ["2606:4700::1111", undefined],
    ];
    for (const [text, want] of expected) assert.equal(kind(text), want, text);
  });

  test("CIDR ranges, including IPv4 ranges written as mapped IPv6", () => {
    const r = parseRange("10.0.0.0/8");
    assert.ok(r);
    assert.ok(inRange(parseIp("10.200.1.1") ?? assert.fail(), r));
    assert.ok(!inRange(parseIp("11.0.0.1") ?? assert.fail(), r));
    const v6 = parseRange("fd00::/8");
    assert.ok(v6 && inRange(parseIp("fd00::5") ?? assert.fail(), v6));
    const mapped = parseRange("::ffff:192.168.0.0/112");
    assert.deepEqual(mapped && [mapped.family, mapped.prefix], [4, 16]);
    assert.equal(parseRange("10.0.0.0/33"), undefined);
    assert.equal(parseRange("10.0.0.0/x"), undefined);
    assert.equal(parseRange("example.com/8"), undefined);
  });
});
