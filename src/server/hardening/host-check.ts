/**
 * The Host header check against DNS rebinding: a web page on `evil.example` whose name is made to
 * resolve to this machine talks to the server as same-origin, but its requests still say
 * `Host: evil.example`. Only names the operator allowed pass. IP-address literals on loopback and
 * private networks pass by default (MLflow 3's rule): a page can only reach them under that very
 * address, which is then its own origin, so no rebinding is involved — and Kubernetes probes and
 * Prometheus scrapes address pods by IP.
 */
import { isIP } from "node:net";
import { invalidParam } from "../../core/errors.js";

/** Names accepted without configuration (with any port), besides loopback and private-network addresses. */
export const DEFAULT_ALLOWED_HOSTS: readonly string[] = ["localhost", "127.0.0.1", "[::1]"];

/** A compiled host rule set: `allows(hostHeader)`. */
export interface HostPolicy {
  /** Whether a request's Host header (port and case ignored) is allowed. */
  allows(host: string | undefined): boolean;
  /** Every request passes (`*` was configured). */
  readonly any: boolean;
}

/**
 * Parse a comma-separated host list (`--allowed-hosts`, MODELWORKS_ALLOWED_HOSTS): names, IP
 * addresses (IPv6 in brackets), `*.example.com` for any subdomain, `*` for any host. Ports are ignored.
 */
export function parseHostList(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const raw of text.split(",")) {
    const entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    const wildcard = entry.startsWith("*.") ? hostnameOf(entry.slice(2)) : "";
    const name = entry === "*" ? "*" : entry.startsWith("*.") ? wildcard && `*.${wildcard}` : hostnameOf(entry);
    if (!name)
      throw invalidParam(`--allowed-hosts: '${raw.trim()}' is not a host name, an IP address, '*.DOMAIN' or '*'.`);
    out.push(name);
  }
  return out;
}

/** The policy for the default names plus `extra` (from parseHostList). */
export function hostPolicy(extra: readonly string[] = []): HostPolicy {
  const any = extra.includes("*");
  const exact = new Set([...DEFAULT_ALLOWED_HOSTS, ...extra.filter((h) => !h.startsWith("*"))]);
  const suffixes = extra.filter((h) => h.startsWith("*.")).map((h) => h.slice(1));
  // A server sees a handful of distinct Host values; remembering them keeps the check off the parse path.
  const seen = new Map<string, boolean>();
  const decide = (host: string): boolean => {
    const name = hostnameOf(host);
    if (name === "") return false;
    return exact.has(name) || isPrivateAddress(name) || suffixes.some((s) => name.endsWith(s));
  };
  return {
    any,
    allows(host) {
      if (any) return true;
      if (host === undefined) return false;
      let ok = seen.get(host);
      if (ok === undefined) {
        ok = decide(host);
        if (seen.size >= 256) seen.clear();
        seen.set(host, ok);
      }
      return ok;
    },
  };
}

/** `Example.COM:8080` → `example.com`, `[::1]:5000` → `[::1]`; "" for a malformed value. */
export function hostnameOf(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    if (end < 0) return "";
    const rest = h.slice(end + 1);
    if (rest !== "" && !/^:\d*$/.test(rest)) return "";
    return isIP(h.slice(1, end)) === 6 ? h.slice(0, end + 1) : "";
  }
  const colon = h.indexOf(":");
  const name = colon < 0 ? h : h.slice(0, colon);
  if (colon >= 0 && !/^\d*$/.test(h.slice(colon + 1))) return "";
  // A fully qualified name may end in a dot; `localhost.` is `localhost`.
  const bare = name.endsWith(".") ? name.slice(0, -1) : name;
  return /^[a-z0-9_.-]+$/.test(bare) ? bare : "";
}

/** Loopback, private (RFC 1918, unique-local) and link-local addresses; IPv6 written in brackets. */
export function isPrivateAddress(name: string): boolean {
  if (name.startsWith("[")) {
    const v6 = name.slice(1, -1);
    if (v6 === "::1") return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6);
    if (mapped) return isPrivateAddress(mapped[1] as string);
    // fc00::/7 and fe80::/10: the first group written with all four digits (`fd:` is 00fd).
    return /^f[cd][0-9a-f]{2}:/.test(v6) || /^fe[89ab][0-9a-f]:/.test(v6);
  }
  if (isIP(name) !== 4) return false;
  const [a, b] = name.split(".").map(Number) as [number, number];
  return (
    a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254)
  );
}
