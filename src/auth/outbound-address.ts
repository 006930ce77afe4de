/**
 * IP addresses for the outbound policy: parsing (IPv4, IPv6, IPv4-mapped IPv6), CIDR ranges, and
 * the ranges that are not the public internet (loopback, private, link-local, ...), which outbound
 * calls may reach only when an admin lists them.
 */
import { isIPv4, isIPv6 } from "node:net";

/** An address as a number; IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`) are IPv4. */
export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

/** A range of addresses: `prefix` leading bits of `base`. */
export interface IpRange {
  family: 4 | 6;
  base: bigint;
  prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;

/** The address in `text` (brackets and an IPv6 zone allowed), or undefined when it is not an IP literal. */
export function parseIp(text: string): IpAddress | undefined {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  if (isIPv4(bare)) return { family: 4, value: v4Value(bare) };
  const noZone = bare.split("%")[0] as string;
  if (!isIPv6(noZone)) return undefined;
  const value = v6Value(noZone);
  // The same host whichever way it is spelled: ::ffff:127.0.0.1 is 127.0.0.1.
  if (value >> 32n === 0xffffn) return { family: 4, value: value & 0xffffffffn };
  return { family: 6, value };
}

/** A CIDR range `ADDRESS/PREFIX`, or a single address; undefined when `text` is neither. */
export function parseRange(text: string): IpRange | undefined {
  const slash = text.indexOf("/");
  const ipText = slash < 0 ? text : text.slice(0, slash);
  const bare = ipText.startsWith("[") && ipText.endsWith("]") ? ipText.slice(1, -1) : ipText;
  const family = isIPv4(bare) ? 4 : isIPv6(bare) ? 6 : undefined;
  if (family === undefined) return undefined;
  const full = family === 4 ? v4Value(bare) : v6Value(bare);
  let prefix: number = BITS[family];
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > BITS[family]) return undefined;
    prefix = Number(p);
  }
  // A range inside ::ffff:0:0/96 is the IPv4 range it maps.
  if (family === 6 && prefix >= 96 && full >> 32n === 0xffffn) {
    return { family: 4, base: mask(full & 0xffffffffn, 4, prefix - 96), prefix: prefix - 96 };
  }
  return { family, base: mask(full, family, prefix), prefix };
}

/** True when `ip` is in `range`. */
export function inRange(ip: IpAddress, range: IpRange): boolean {
  return ip.family === range.family && mask(ip.value, ip.family, range.prefix) === range.base;
}

/** The address as text (IPv4 dotted, IPv6 in full groups). */
export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return [24n, 16n, 8n, 0n].map((s) => String((ip.value >> s) & 0xffn)).join(".");
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((ip.value >> s) & 0xffffn).toString(16));
  return groups.join(":");
}

/** Ranges that are not the public internet, each with what it is (IANA special-purpose registries). */
const SPECIAL: [string, string][] = [
  ["0.0.0.0/8", "unspecified"],
  ["10.0.0.0/8", "private"],
  ["100.64.0.0/10", "shared (carrier-grade NAT)"],
  ["127.0.0.0/8", "loopback"],
  ["169.254.0.0/16", "link-local"],
  ["172.16.0.0/12", "private"],
  ["192.0.0.0/24", "reserved (IETF protocol assignments)"],
  ["192.0.2.0/24", "documentation"],
  ["192.88.99.0/24", "reserved (6to4 relay)"],
  ["192.168.0.0/16", "private"],
  ["198.18.0.0/15", "benchmarking"],
  ["198.51.100.0/24", "documentation"],
  ["203.0.113.0/24", "documentation"],
  ["224.0.0.0/4", "multicast"],
  ["240.0.0.0/4", "reserved"],
  ["::/128", "unspecified"],
  ["::1/128", "loopback"],
  ["::/96", "reserved (IPv4-compatible)"],
  ["64:ff9b:1::/48", "private (local NAT64)"],
  ["100::/64", "reserved (discard)"],
  ["2001::/23", "reserved (IETF protocol assignments)"],
  ["2001:db8::/32", "documentation"],
  ["2002::/16", "reserved (6to4)"],
  ["fc00::/7", "private (unique local)"],
  ["fe80::/10", "link-local"],
  ["fec0::/10", "private (site-local)"],
  ["ff00::/8", "multicast"],
];

const SPECIAL_RANGES = SPECIAL.map(([cidr, kind]) => ({ range: parseRange(cidr) as IpRange, kind }));
const NAT64 = parseRange("64:ff9b::/96") as IpRange;

/**
 * What kind of non-public address `ip` is (`loopback`, `private`, ...), or undefined for a public
 * one. An address behind the well-known NAT64 prefix is judged by the IPv4 address it embeds.
 */
export function specialKind(ip: IpAddress): string | undefined {
  if (inRange(ip, NAT64)) return specialKind({ family: 4, value: ip.value & 0xffffffffn });
  // The most specific range names it (::1 is loopback before it is IPv4-compatible).
  let best: { kind: string; prefix: number } | undefined;
  for (const { range, kind } of SPECIAL_RANGES) {
    if (inRange(ip, range) && (!best || range.prefix > best.prefix)) best = { kind, prefix: range.prefix };
  }
  return best?.kind;
}

function mask(value: bigint, family: 4 | 6, prefix: number): bigint {
  const bits = BITS[family];
  if (prefix === 0) return 0n;
  const keep = ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
  return value & keep;
}

function v4Value(text: string): bigint {
  return text.split(".").reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

/** A valid IPv6 literal (net.isIPv6 said so) as a 128-bit number. */
function v6Value(text: string): bigint {
  let s = text.toLowerCase();
  // A dotted IPv4 tail (::ffff:1.2.3.4) is the last two groups.
  const dotted = s.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const v4 = v4Value(dotted[1] as string);
    s = `${s.slice(0, -(dotted[1] as string).length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head = "", tail] = s.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const missing = 8 - left.length - right.length;
  const groups = tail === undefined ? left : [...left, ...new Array(missing).fill("0"), ...right];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(Number.parseInt(g, 16)), 0n);
}
